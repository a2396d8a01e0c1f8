package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.emulator.v1.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A request ends by its deadline however loaded the coordinator is: a real coordinator process,
 * every core of the machine kept busy by spinning threads, and a burst of writes and reads that
 * fill its executors and that no storage node ever answers. Each ends, with an error, within the
 * coordinator's timeout plus a generous bound, long before the client would have given up: a
 * coordinator whose deadlines starved would leave requests hanging until the client's deadline.
 * The bound is wide because the time is measured at the client, whose own threads are starved by
 * the same spinning: at load 20 on 2 cores, 400 requests ended 7-26 s after they were sent while
 * the coordinator logged each ending 0-7 s after it took it up (a 2 s timeout).
 */
class DeadlineUnderSaturationIT {
    private static final Duration COORDINATOR_TIMEOUT = Duration.ofSeconds(2);
    /** Generous, for a busy 2-core machine: the point is ending near the deadline, not never. */
    private static final Duration SLACK = Duration.ofSeconds(60);
    /** The client's own deadline: far beyond timeout plus slack, so only the coordinator can end calls in time. */
    private static final Duration CLIENT_DEADLINE = Duration.ofMinutes(5);
    private static final int REQUESTS = 200;

    private final AtomicBoolean saturating = new AtomicBoolean(true);
    private volatile long sink;

    @Test
    void everyWriteAndReadEndsByItsDeadlineWhileTheMachineAndTheCoordinatorAreSaturated() throws Exception {
        int grpcPort = FreePorts.pick();
        int httpPort = FreePorts.pick();
        String timeout = COORDINATOR_TIMEOUT.toMillis() + "ms";
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("coordinator",
                Map.of("GRPC_SERVER_PORT", String.valueOf(grpcPort), "MICRONAUT_SERVER_PORT", String.valueOf(httpPort),
                        "PAIRDB_COORDINATOR_WRITE_TIMEOUT", timeout, "PAIRDB_COORDINATOR_READ_TIMEOUT", timeout),
                "--dev", "--nodes", "3")) {
            coordinator.awaitLine("PairDB coordinator ready", Duration.ofMinutes(3));
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            List<Thread> spinners = new ArrayList<>();
            try {
                // every data call held for an hour: only the coordinator's deadline can end a request
                EveryStorageNode.setFaults(channel, Faults.newBuilder().setDelayMs(Duration.ofHours(1).toMillis()).build());
                for (int i = 0; i < Runtime.getRuntime().availableProcessors() * 2; i++) {
                    spinners.add(Thread.ofPlatform().daemon(true).start(this::spin));
                }
                ConcurrentLinkedQueue<Duration> took = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Status.Code> codes = new ConcurrentLinkedQueue<>();
                var stub = CoordinatorServiceGrpc.newStub(channel);
                for (int i = 0; i < REQUESTS; i++) {
                    long started = System.nanoTime();
                    StreamObserver<Object> ended = new StreamObserver<>() {
                        @Override
                        public void onNext(Object value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            codes.add(Status.fromThrowable(t).getCode());
                            took.add(Duration.ofNanos(System.nanoTime() - started));
                        }

                        @Override
                        public void onCompleted() {
                            codes.add(Status.Code.OK);
                            took.add(Duration.ofNanos(System.nanoTime() - started));
                        }
                    };
                    var deadlined = stub.withDeadlineAfter(CLIENT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                    if (i % 2 == 0) {
                        deadlined.writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId("default")
                                .setKey("k" + i).setValue(ByteString.copyFromUtf8("v")).setConsistency("quorum").build(),
                                observer(ended));
                    } else {
                        deadlined.readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default")
                                .setKey("k" + i).setConsistency("quorum").build(), observer(ended));
                    }
                }

                // polled on this thread: the test's own pollers would be starved like everything else
                await("every request has ended").pollInSameThread().atMost(CLIENT_DEADLINE.plusSeconds(30))
                        .until(() -> took.size() == REQUESTS);
                assertThat(codes).as("no storage node answers, so nothing succeeds")
                        .doesNotContain(Status.Code.OK);
                assertThat(took).as("how long each request took, against a %s timeout", COORDINATOR_TIMEOUT)
                        .allSatisfy(t -> assertThat(t).isLessThan(COORDINATOR_TIMEOUT.plus(SLACK)));
            } finally {
                saturating.set(false);
                for (Thread spinner : spinners) {
                    spinner.join(Duration.ofSeconds(10));
                }
                channel.shutdownNow();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> observer(StreamObserver<Object> ended) {
        return (StreamObserver<T>) (StreamObserver<?>) ended;
    }

    private void spin() {
        long x = 0;
        while (saturating.get()) {
            x += System.nanoTime() % 7;
        }
        sink = x; // keeps the loop from being optimised away
    }
}
