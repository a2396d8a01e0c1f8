package io.pairdb.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplicaReadRoundTest {
    private static final TenantId TENANT = new TenantId("acme");

    @Test
    void answersAreListedInTheOrderTheReplicasAnswered() {
        ManualClock clock = new ManualClock();
        Environment env = new Environment(clock, new ManualScheduler(clock), RequestEvents.NONE,
                CoordinatorSettings.defaults());
        FakeStorageNodes storage = new FakeStorageNodes();
        List<StorageNode> replicas = IntStream.rangeClosed(1, 6).mapToObj(ReplicaReadRoundTest::node).toList();
        List<CompletableFuture<Void>> gates = replicas.stream().map(n -> storage.hold(n.id())).toList();

        ReplicaReadRound round = ReplicaReadRound.start(replicas, 6, storage, TENANT, "k",
                Deadline.of(clock, Duration.ofSeconds(3), java.util.Optional.empty()), env);
        for (int i : new int[] {4, 1, 5, 0, 3, 2}) {
            gates.get(i).complete(null);
        }

        assertThat(round.settled().join().answers().keySet()).extracting(StorageNode::id)
                .containsExactly(new NodeId("node-5"), new NodeId("node-2"), new NodeId("node-6"), new NodeId("node-1"),
                        new NodeId("node-4"), new NodeId("node-3"));
    }

    private static StorageNode node(int i) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new StorageNode(new NodeId("node-" + i), "10.0.0." + i, 7000, 8, NodeState.NORMAL, Liveness.UP, at, at);
    }
}
