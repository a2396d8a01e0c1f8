package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.pairdb.embedded.FreePorts;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.emulator.v1.Faults;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while clients write (slowly: the storage nodes answer after a delay, so writes are in
 * flight when the signal comes): gRPC health turns NOT_SERVING, every request the coordinator
 * accepted is answered successfully, the others are refused at the connection (UNAVAILABLE
 * without a PairDB error reason, so a client retries elsewhere), and the process exits 0.
 */
class GracefulShutdownIT {
    private static final int WRITERS = 4;
    private static final long STORAGE_DELAY_MS = 300;

    @Test
    void sigtermDuringAStreamOfWritesFailsNoAcceptedRequestAndExitsZero() throws Exception {
        int grpcPort = FreePorts.pick();
        int httpPort = FreePorts.pick();
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("coordinator",
                Map.of("GRPC_SERVER_PORT", String.valueOf(grpcPort), "MICRONAUT_SERVER_PORT", String.valueOf(httpPort)),
                "--dev", "--nodes", "3")) {
            coordinator.awaitLine("PairDB coordinator ready", Duration.ofMinutes(3));
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            try {
                EveryStorageNode.setFaults(channel, Faults.newBuilder().setDelayMs(STORAGE_DELAY_MS).build());
                Queue<ServingStatus> health = watchHealth(channel);
                await().atMost(Duration.ofSeconds(30)).until(() -> health.contains(ServingStatus.SERVING));

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger succeeded = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                Queue<String> failedAfterAcceptance = new ConcurrentLinkedQueue<>();
                var stub = CoordinatorServiceGrpc.newBlockingStub(channel);
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.execute(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            var request = WriteKeyValueRequest.newBuilder().setTenantId("default")
                                    .setKey("writer-" + writer + ":" + i).setValue(ByteString.copyFromUtf8("v" + i))
                                    .setConsistency("quorum").build();
                            try {
                                stub.withDeadlineAfter(20, TimeUnit.SECONDS).writeKeyValue(request);
                                succeeded.incrementAndGet();
                            } catch (StatusRuntimeException e) {
                                if (refusedAtConnection(e)) {
                                    // the server has stopped listening: a real client would go to another coordinator
                                    refused.incrementAndGet();
                                    return;
                                } else {
                                    failedAfterAcceptance.add(request.getKey() + ": " + e.getStatus());
                                }
                            }
                        }
                    });
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> succeeded.get() >= 12 || !failedAfterAcceptance.isEmpty());
                int beforeSignal = succeeded.get();

                coordinator.terminate();
                await().atMost(Duration.ofSeconds(30)).until(() -> health.contains(ServingStatus.NOT_SERVING));
                int exit = coordinator.awaitExit(Duration.ofMinutes(1));
                stop.set(true);
                writers.shutdown();
                assertThat(writers.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

                System.out.printf("SIGTERM with %d writers: %d writes succeeded (%d before the signal), %d refused at the "
                                + "connection, %d accepted but failed; exit code %d%n", WRITERS, succeeded.get(), beforeSignal,
                        refused.get(), failedAfterAcceptance.size(), exit);
                assertThat(failedAfterAcceptance).as("requests the coordinator accepted and then failed").isEmpty();
                assertThat(succeeded.get()).as("writes in flight at the signal completed").isGreaterThan(beforeSignal);
                assertThat(refused.get()).as("every writer ended refused at the connection").isEqualTo(WRITERS);
                assertThat(exit).isZero();
                assertThat(coordinator.printed("drained in")).isTrue();
                assertThat(coordinator.printed("did not finish within the grace period")).isFalse();
                assertThat(coordinator.printed("PairDB coordinator stopped")).isTrue();
            } finally {
                writers.shutdownNow();
                channel.shutdownNow();
            }
        }
    }

    /**
     * A quorum write is answered while the third replica's call is still out; the coordinator is then
     * stopped, and the call fails at the write's deadline. Its hint must still be stored: the drain
     * waits for replica calls in flight, or every rolling restart leaves replicas without writes.
     */
    @Test
    void aReplicaCallThatFailsDuringTheDrainIsStillHinted() {
        Map<String, Object> quick = Map.of("pairdb.coordinator.write-timeout", "2s");
        try (InProcessCoordinator first = InProcessCoordinator.start(3, quick)) {
            first.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("drained").setReplicationFactor(3)
                    .build());
            String key = "acknowledged-before-the-drain";
            String slowId = first.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId("drained").setKey(key)
                    .build()).getReplicaNodeIdsList().getLast();
            StorageNodeEmulator slow = first.cluster.nodes().stream().filter(n -> n.nodeId().equals(slowId))
                    .findFirst().orElseThrow();
            InProcessCoordinator second = InProcessCoordinator.alongside(first, quick);
            try {
                slow.faults().setDelay(Duration.ofMinutes(1));
                second.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId("drained").setKey(key)
                        .setValue(ByteString.copyFromUtf8("v")).setConsistency("quorum").build());
            } finally {
                second.close();
                slow.faults().setDelay(Duration.ZERO);
            }

            assertThat(first.admin().getHintStats(GetHintStatsRequest.getDefaultInstance()).getNodesList())
                    .filteredOn(n -> n.getNodeId().equals(slowId)).singleElement()
                    .satisfies(n -> assertThat(n.getPending() + n.getReplayed()).as("hints for " + slowId).isOne());
        }
    }

    /**
     * Every storage call takes {@value #STORAGE_DELAY_MS} ms, so a write (a read-before-write and
     * the write) takes over half a second and the signal always finds writes in flight.
     */
    /**
     * Refused without being accepted: UNAVAILABLE from the transport (no connection, or the
     * server going away), which carries no {@code ErrorInfo}; every error PairDB itself returns
     * carries one.
     */
    private static boolean refusedAtConnection(StatusRuntimeException e) {
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE && (details == null || details.getDetailsCount() == 0);
    }

    /** Streams the server's overall health; cancelled on NOT_SERVING so it does not hold the drain open. */
    private static Queue<ServingStatus> watchHealth(ManagedChannel channel) {
        Queue<ServingStatus> seen = new ConcurrentLinkedQueue<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        watch.run(() -> HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService("").build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse response) {
                        seen.add(response.getStatus());
                        if (response.getStatus() == ServingStatus.NOT_SERVING) {
                            watch.cancel(null);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        return seen;
    }
}
