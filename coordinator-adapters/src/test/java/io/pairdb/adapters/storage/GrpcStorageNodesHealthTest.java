package io.pairdb.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.embedded.FreePorts;
import io.pairdb.emulator.StorageNodeEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The failure detector's probe over gRPC, against an emulator node. */
class GrpcStorageNodesHealthTest {
    private final GrpcStorageNodes storage = new GrpcStorageNodes();
    private StorageNodeEmulator emulator;

    @AfterEach
    void stop() {
        storage.close();
        if (emulator != null) {
            emulator.close();
        }
    }

    private static StorageNode node(int port) {
        return new StorageNode(new NodeId("node-1"), "127.0.0.1", port, 16, NodeState.NORMAL, Liveness.UP, Instant.EPOCH,
                Instant.EPOCH);
    }

    private static Throwable failureOf(CompletableFuture<Void> probe) throws Exception {
        try {
            probe.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the probe succeeded");
    }

    @Test
    void aServingNodePassesTheProbe() throws Exception {
        emulator = StorageNodeEmulator.start("node-1", 0);

        assertThat(storage.probe(node(emulator.port()), Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void theKeyCountIsWhatTheNodesHealthAnswerReports() throws Exception {
        emulator = StorageNodeEmulator.start("node-1", 0);
        StorageNode node = node(emulator.port());
        assertThat(storage.keyCount(node, Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS)).isZero();

        for (String key : new String[] {"a", "b"}) {
            storage.write(node, new TenantId("t"), key, Token.forKey("t", key),
                    Version.of(new byte[] {1}, VectorClock.of("coordinator-1", 1), 1L), Duration.ofSeconds(10))
                    .get(30, TimeUnit.SECONDS);
        }

        assertThat(storage.keyCount(node, Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aNodeThatAnswersErrorsFailsTheProbe() throws Exception {
        emulator = StorageNodeEmulator.start("node-1", 0);
        emulator.faults().setUnavailable(true);

        assertThat(failureOf(storage.probe(node(emulator.port()), Duration.ofSeconds(2))))
                .isInstanceOf(PairDbException.class).hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void aNodeThatCameBackIsFoundWithinAProbeOrTwoDespiteGrpcsReconnectBackoff() throws Exception {
        int port = FreePorts.pick();
        StorageNode away = node(port);
        // probed, and failing, for six seconds: long enough for gRPC's own reconnect backoff to grow past a few seconds
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(failureOf(storage.probe(away, Duration.ofMillis(300)))).isInstanceOf(PairDbException.class);
            return Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(6)) >= 0;
        });

        emulator = StorageNodeEmulator.start("node-1", port);

        // counted in probes, not wall time: a busy machine may slow each one, but a reconnect backoff of
        // several seconds fails them all, each at once
        AtomicInteger probes = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> probes.incrementAndGet() > 5
                || storage.probe(away, Duration.ofSeconds(1)).handle((ok, error) -> error == null).get(5, TimeUnit.SECONDS));
        assertThat(probes.get()).as("probes until the node was found again").isLessThanOrEqualTo(5);
    }
}
