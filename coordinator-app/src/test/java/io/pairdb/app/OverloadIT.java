package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An unpaced storm of writes, many times what the coordinator may hold in flight, from clients
 * with short deadlines that send again as soon as a call ends, the way an overloaded service's
 * clients behave: every call ends with an answer a client can act on (written; {@code
 * RESOURCE_EXHAUSTED}/{@code OVERLOADED} with a {@code RetryInfo}; or {@code DEADLINE_EXCEEDED}),
 * never with {@code UNAVAILABLE} or {@code INTERNAL} (a closed connection fails every call on it
 * with {@code UNAVAILABLE}); the bound is never exceeded; health answers throughout; afterwards
 * a normal write and read succeed. The figures (writes done in time, the heap's peak) are the
 * benchmark's, {@code bench/run.sh --overload}; this holds the behaviour in CI.
 */
class OverloadIT {
    private static final int BOUND = 100;
    private static final int CALLERS = 800;
    private static final int CHANNELS = 4;
    private static final Duration STORM = Duration.ofSeconds(8);
    private static final Duration CALL_DEADLINE = Duration.ofMillis(300);
    /** For the storm's last calls to end: far beyond their deadline, only a call that never ends needs it. */
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final Map<Status.Code, LongAdder> endings = new ConcurrentHashMap<>();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final LongAdder shedWithoutRetryInfo = new LongAdder();

    @Test
    void aStormOfWritesEndsEveryCallWithAnActionableAnswerAndTheCoordinatorServesOnAfterwards() throws Exception {
        // the failure detector at its defaults: storage nodes busy with the storm are slow, not down
        Map<String, Object> settings = Map.of("pairdb.limits.max-requests-in-flight", BOUND);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < CHANNELS; i++) {
                channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort).usePlaintext().build());
            }
            ManagedChannel probe = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort).usePlaintext().build();
            try {
                AtomicLong mostInFlight = new AtomicLong();
                List<String> health = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread watcher = Thread.ofPlatform().name("overload-watcher").start(() -> {
                    long end = System.nanoTime() + STORM.toNanos();
                    while (System.nanoTime() - end < 0) {
                        mostInFlight.accumulateAndGet((long) inFlight(coordinator), Math::max);
                        health.add(check(probe));
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                });

                long sent = storm(channels);
                watcher.join(DRAIN.toMillis());
                assertThat(watcher.isAlive()).as("the watcher stopped with the storm").isFalse();

                long written = count(Status.Code.OK);
                long shed = count(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(unexpected).as("calls that ended otherwise, of %d sent: %s", sent, endings).isEmpty();
                assertThat(written).as("writes done during the storm").isPositive();
                assertThat(shed).as("the storm was more than the coordinator takes: %s", endings).isPositive();
                assertThat(shedWithoutRetryInfo.sum()).as("shed calls without a RetryInfo").isZero();
                assertThat(written + shed + count(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(sent);
                assertThat(mostInFlight.get()).as("calls in flight at most, sampled").isLessThanOrEqualTo(BOUND);
                assertThat(health).as("health checks during the storm").isNotEmpty().containsOnly("SERVING");

                var data = coordinator.data();
                assertThat(data.writeKeyValue(write("after-the-storm")).getSuccess()).isTrue();
                assertThat(data.readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default")
                        .setKey("after-the-storm").build()).getValue().toStringUtf8()).isEqualTo("still serving");
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
                probe.shutdownNow();
            }
        }
    }

    /** {@link #CALLERS} places, each sending its next write the moment its last one ends; returns how many were sent. */
    private long storm(List<ManagedChannel> channels) throws InterruptedException {
        List<CoordinatorServiceGrpc.CoordinatorServiceStub> stubs = channels.stream()
                .map(CoordinatorServiceGrpc::newStub).toList();
        Semaphore places = new Semaphore(CALLERS);
        long end = System.nanoTime() + STORM.toNanos();
        long sent = 0;
        while (System.nanoTime() - end < 0) {
            if (!places.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
            stubs.get((int) (sent % CHANNELS)).withDeadlineAfter(CALL_DEADLINE.toNanos(), TimeUnit.NANOSECONDS)
                    .writeKeyValue(write("storm-" + (sent % 1000)), new StreamObserver<>() {
                        private boolean success;

                        @Override
                        public void onNext(WriteKeyValueResponse response) {
                            success = response.getSuccess();
                        }

                        @Override
                        public void onError(Throwable error) {
                            ended(error);
                            places.release();
                        }

                        @Override
                        public void onCompleted() {
                            if (success) {
                                endings.computeIfAbsent(Status.Code.OK, c -> new LongAdder()).increment();
                            } else {
                                unexpected.add("an answer without success");
                            }
                            places.release();
                        }
                    });
            sent++;
        }
        assertThat(places.tryAcquire(CALLERS, DRAIN.toMillis(), TimeUnit.MILLISECONDS))
                .as("every call of the storm ended").isTrue();
        return sent;
    }

    private void ended(Throwable error) {
        Status status = Status.fromThrowable(error);
        endings.computeIfAbsent(status.getCode(), c -> new LongAdder()).increment();
        switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> {
            }
            case RESOURCE_EXHAUSTED -> {
                StatusRuntimeException shed = (StatusRuntimeException) error;
                if (!"OVERLOADED".equals(reason(shed))) {
                    unexpected.add("RESOURCE_EXHAUSTED with reason " + reason(shed) + ": " + status.getDescription());
                }
                com.google.rpc.Status details = StatusProto.fromThrowable(shed);
                if (details == null || details.getDetailsList().stream().noneMatch(d -> d.is(RetryInfo.class))) {
                    shedWithoutRetryInfo.increment();
                }
            }
            default -> unexpected.add(status.getCode() + ": " + status.getDescription());
        }
    }

    private long count(Status.Code code) {
        LongAdder adder = endings.get(code);
        return adder == null ? 0 : adder.sum();
    }

    private static String check(ManagedChannel probe) {
        try {
            HealthCheckResponse answer = HealthGrpc.newBlockingStub(probe).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return answer.getStatus().name();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    private static double inFlight(InProcessCoordinator coordinator) {
        return coordinator.context.getBean(MeterRegistry.class).get("coordinator.requests.in.flight").gauge().value();
    }

    private static WriteKeyValueRequest write(String key) {
        return WriteKeyValueRequest.newBuilder().setTenantId("default").setKey(key)
                .setValue(ByteString.copyFromUtf8("still serving")).build();
    }
}
