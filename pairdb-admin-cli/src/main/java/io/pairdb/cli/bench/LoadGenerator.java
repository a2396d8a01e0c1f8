package io.pairdb.cli.bench;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.Endpoint;
import io.pairdb.cli.ServerErrors;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc.CoordinatorServiceStub;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a run's requests: at most {@code concurrency} in flight, spread round-robin over the
 * channels, each answered through a callback on the channel's event loop. One thread (the
 * caller of {@link #run()}) chooses and issues every request, so a seed replays the same keys.
 *
 * <p>Phases: the optional preload writes every key once; the warm-up sends the workload without
 * counting it; the measured phase counts every request issued in it, until the duration or the
 * operation count is reached, and then waits for the last of them to answer. The measured time
 * runs from the first measured request to the last answer.
 *
 * <p>Unpaced, a request is sent as soon as a permit is free (a closed loop). Paced
 * ({@code --rate}), requests fall due at fixed intervals and each one's latency counts from when
 * it was due, not from when a permit let it go, so that a server that falls behind shows in
 * the percentiles instead of hiding in a slower send rate (coordinated omission).
 *
 * <p>With {@link LoadPlan#honourRetryDelay()}, a request that failed with a retry delay (a
 * {@code RetryInfo}) gives its permit back only once that delay has passed, as a client that
 * honours the server's push-back would; otherwise at once, like a client that retries eagerly.
 */
final class LoadGenerator {

    /** How often the issuing thread re-checks the clock while every permit is taken. */
    private static final long RECHECK_MILLIS = 50;
    /** Beyond the per-call deadline, how long to wait for answers before giving up on a run. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(10);
    /** The longest retry delay honoured; well within {@link #DRAIN_GRACE}, so a run still drains. */
    static final long MAX_RETRY_DELAY_SECONDS = 5;
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(MAX_RETRY_DELAY_SECONDS);

    private final LoadPlan plan;
    private final List<CoordinatorServiceStub> stubs;
    private final Duration callTimeout;
    private final Endpoint endpoint;
    private final Progress progress;
    private final ProcessCpu cpu;
    private final Optional<LatencyLog> latencyLog;
    private final Semaphore inFlight;
    private final KeyChooser chooser;
    private final SplittableRandom random;
    private final ByteString value;
    private final String consistency;
    private final AtomicReferenceArray<VectorClock> clocks;
    private final String idempotencyPrefix;
    /** Gives permits back after a retry delay; only when the plan honours them. */
    private final Optional<ScheduledExecutorService> retryDelays;
    /** When the latest answer arrived, in {@link System#nanoTime()}. */
    private final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
    private long idempotencySequence;
    private int nextStub;

    /** @param latencyLog where the measured requests' latencies also go, interval by interval */
    LoadGenerator(LoadPlan plan, List<? extends Channel> channels, Endpoint endpoint, Progress progress,
                  Optional<LatencyLog> latencyLog) {
        this.plan = plan;
        this.latencyLog = latencyLog;
        this.stubs = channels.stream().map(CoordinatorServiceGrpc::newStub).toList();
        this.callTimeout = endpoint.timeout();
        this.endpoint = endpoint;
        this.progress = progress;
        this.cpu = new ProcessCpu(plan.measureCpu(), plan.clockTicks());
        this.inFlight = new Semaphore(plan.concurrency());
        this.chooser = KeyChooser.of(plan.distribution(), plan.keys());
        this.random = new SplittableRandom(plan.seed());
        byte[] bytes = new byte[plan.valueSize()];
        new SplittableRandom(plan.seed()).nextBytes(bytes);
        this.value = ByteString.copyFrom(bytes);
        this.consistency = plan.consistency().wireValue();
        this.clocks = plan.causalContext() ? new AtomicReferenceArray<>(plan.keys()) : null;
        // Unique across runs whatever the seed: a repeated key would be answered as a duplicate.
        this.idempotencyPrefix = "bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + "-";
        this.retryDelays = plan.honourRetryDelay()
                ? Optional.of(Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bench-retry-delay").factory()))
                : Optional.empty();
    }

    /** What a run measured. */
    record Result(
            long elapsedNanos,
            Map<Operation, OperationStats> operations,
            Map<String, Long> cpuMicros,
            long preloaded) {
    }

    Result run() throws InterruptedException {
        try {
            return runPhases();
        } finally {
            retryDelays.ifPresent(ExecutorService::shutdownNow);
        }
    }

    private Result runPhases() throws InterruptedException {
        long preloaded = 0;
        if (plan.preload()) {
            preloaded = preload();
        }
        Map<Operation, OperationStats> measured = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            measured.put(operation, new OperationStats());
        }
        long warmupEnd = System.nanoTime() + plan.warmup().toNanos();
        if (!plan.warmup().isZero()) {
            progress.phase("warm-up", "/" + plan.warmup().toSeconds() + "s");
        }
        boolean measuring = false;
        long measureStart = 0;
        long measuredIssued = 0;
        ProcessCpu.Snapshot cpuBefore = null;
        long interval = plan.rate().map(rate -> Math.max(1, Math.round(1e9 / rate))).orElse(0L);
        long nextDue = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now - warmupEnd >= 0) {
                measuring = true;
                measureStart = now;
                // requests the warm-up fell behind on are not the measured phase's latency
                nextDue = now;
                cpuBefore = cpu.start();
                latencyLog.ifPresent(LatencyLog::start);
                progress.phase("run", plan.duration().map(d -> "/" + d.toSeconds() + "s").orElse(""));
            }
            if (measuring && (plan.duration().isPresent() && now - measureStart >= plan.duration().get().toNanos()
                    || plan.ops().isPresent() && measuredIssued >= plan.ops().get())) {
                break;
            }
            if (interval > 0 && nextDue - now > 0) {
                LockSupport.parkNanos(Math.min(nextDue - now, TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS)));
                continue;
            }
            if (!inFlight.tryAcquire(RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                continue;
            }
            // Paced, a request counts from when it was due: waiting here for a permit is latency too.
            long started = interval > 0 ? nextDue : System.nanoTime();
            nextDue += interval;
            Operation operation = nextOperation();
            if (measuring) {
                measuredIssued++;
            }
            issue(operation, chooser.next(random), started, measuring ? measured.get(operation) : null);
        }
        awaitAnswers();
        // to the last answer, not to the last permit's return: a held retry delay is not the run's time
        long last = lastAnswer.get();
        long elapsed = last - measureStart > 0 ? last - measureStart : System.nanoTime() - measureStart;
        return new Result(elapsed, measured, cpu.usedSince(cpuBefore), preloaded);
    }

    /** Writes every key once, so reads find them and causal contexts exist; fails the run if any write fails. */
    private long preload() throws InterruptedException {
        progress.phase("preload", " (" + plan.keys() + " keys)");
        OperationStats stats = new OperationStats();
        for (int key = 0; key < plan.keys(); key++) {
            inFlight.acquire();
            issue(Operation.WRITE, key, System.nanoTime(), stats);
        }
        awaitAnswers();
        if (stats.errorCount() > 0) {
            var first = stats.firstErrors().entrySet().iterator().next();
            throw CommandFailure.server("preload: " + stats.errorCount() + " of " + plan.keys()
                    + " writes failed; the first " + first.getKey() + ": " + first.getValue());
        }
        return stats.successes();
    }

    private Operation nextOperation() {
        double ratio = plan.workload().readRatio();
        if (ratio == 0) {
            return Operation.WRITE;
        }
        if (ratio == 1) {
            return Operation.READ;
        }
        return random.nextDouble() < ratio ? Operation.READ : Operation.WRITE;
    }

    /** Waits until every permit is back, that is every request issued so far has answered. */
    private void awaitAnswers() throws InterruptedException {
        Duration bound = callTimeout.plus(DRAIN_GRACE);
        if (!inFlight.tryAcquire(plan.concurrency(), bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw CommandFailure.server((plan.concurrency() - inFlight.availablePermits())
                    + " requests got no answer within " + bound.toSeconds() + "s, despite their deadline");
        }
        inFlight.release(plan.concurrency());
    }

    /**
     * Sends one request; its callback releases the permit taken for it.
     *
     * @param started when its latency starts, in {@link System#nanoTime()}
     * @param stats where its outcome counts; null during the warm-up
     */
    private void issue(Operation operation, int key, long started, OperationStats stats) {
        CoordinatorServiceStub stub = stubs.get(nextStub).withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        nextStub = (nextStub + 1) % stubs.size();
        try {
            switch (operation) {
                case WRITE -> stub.writeKeyValue(writeRequest(key), new WriteCall(key, started, stats));
                case READ -> stub.readKeyValue(ReadKeyValueRequest.newBuilder()
                        .setTenantId(plan.tenant())
                        .setKey(keyName(key))
                        .setConsistency(consistency)
                        .build(), new ReadCall(key, started, stats));
            }
        } catch (RuntimeException e) {
            // gRPC reports failures through the callback; this is a bug here, counted rather than lost
            if (stats != null) {
                stats.failed(Status.Code.INTERNAL.name(), "the request could not be sent: " + e,
                        (System.nanoTime() - started) / 1_000);
            }
            progress.failed();
            inFlight.release();
        }
    }

    private WriteKeyValueRequest writeRequest(int key) {
        WriteKeyValueRequest.Builder request = WriteKeyValueRequest.newBuilder()
                .setTenantId(plan.tenant())
                .setKey(keyName(key))
                .setValue(value)
                .setConsistency(consistency);
        if (plan.idempotencyKeys()) {
            request.setIdempotencyKey(idempotencyPrefix + idempotencySequence++);
        }
        if (clocks != null) {
            VectorClock clock = clocks.get(key);
            if (clock != null) {
                request.setCausalContext(clock);
            }
        }
        return request.build();
    }

    private void answered() {
        long now = System.nanoTime();
        lastAnswer.accumulateAndGet(now, (previous, current) -> current - previous > 0 ? current : previous);
    }

    static String keyName(int key) {
        return "key-" + key;
    }

    /** The callback of one request. */
    private abstract class Call<R> implements StreamObserver<R> {
        private final Operation operation;
        private final int key;
        private final long started;
        private final OperationStats stats;
        private R response;

        Call(Operation operation, int key, long started, OperationStats stats) {
            this.operation = operation;
            this.key = key;
            this.started = started;
            this.stats = stats;
        }

        abstract boolean successful(R response);

        abstract String errorMessage(R response);

        abstract VectorClock clock(R response);

        @Override
        public void onNext(R value) {
            response = value;
        }

        @Override
        public void onError(Throwable error) {
            long micros = (System.nanoTime() - started) / 1_000;
            if (stats != null) {
                StatusRuntimeException failure = Status.fromThrowable(error).asRuntimeException();
                if (error instanceof StatusRuntimeException sre) {
                    failure = sre;
                }
                stats.failed(failure.getStatus().getCode().name(), ServerErrors.describe(failure, Optional.of(endpoint)),
                        micros);
                logLatency(false, micros);
            }
            progress.failed();
            answered();
            Optional<Duration> delay = retryDelays.isEmpty() ? Optional.empty() : ServerErrors.retryDelay(error);
            if (delay.isPresent() && delay.get().isPositive()) {
                long nanos = delay.get().compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY.toNanos() : delay.get().toNanos();
                try {
                    retryDelays.get().schedule((Runnable) inFlight::release, nanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException runOver) {
                    inFlight.release();
                }
            } else {
                inFlight.release();
            }
        }

        @Override
        public void onCompleted() {
            answered();
            long micros = (System.nanoTime() - started) / 1_000;
            if (response != null && successful(response)) {
                if (clocks != null && clock(response).getEntriesCount() > 0) {
                    clocks.set(key, clock(response));
                }
                if (stats != null) {
                    stats.succeeded(micros);
                    logLatency(true, micros);
                }
                progress.succeeded(micros);
            } else {
                if (stats != null) {
                    stats.failed("UNSUCCESSFUL", response == null ? "no response" : errorMessage(response), micros);
                    logLatency(false, micros);
                }
                progress.failed();
            }
            inFlight.release();
        }

        /** Only measured requests (those with stats) reach the log. */
        private void logLatency(boolean succeeded, long micros) {
            latencyLog.ifPresent(log -> log.record(operation, succeeded, micros));
        }
    }

    private final class WriteCall extends Call<WriteKeyValueResponse> {
        WriteCall(int key, long started, OperationStats stats) {
            super(Operation.WRITE, key, started, stats);
        }

        @Override
        boolean successful(WriteKeyValueResponse response) {
            return response.getSuccess();
        }

        @Override
        String errorMessage(WriteKeyValueResponse response) {
            return response.getErrorMessage();
        }

        @Override
        VectorClock clock(WriteKeyValueResponse response) {
            return response.getVectorClock();
        }
    }

    private final class ReadCall extends Call<ReadKeyValueResponse> {
        ReadCall(int key, long started, OperationStats stats) {
            super(Operation.READ, key, started, stats);
        }

        @Override
        boolean successful(ReadKeyValueResponse response) {
            return response.getSuccess();
        }

        @Override
        String errorMessage(ReadKeyValueResponse response) {
            return response.getErrorMessage();
        }

        @Override
        VectorClock clock(ReadKeyValueResponse response) {
            return response.getVectorClock();
        }
    }
}
