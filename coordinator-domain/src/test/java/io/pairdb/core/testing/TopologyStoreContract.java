package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.TopologyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TopologyStore} does; each implementation's test extends this. */
public abstract class TopologyStoreContract {
    /** A store with no nodes, at epoch 0. */
    protected abstract TopologyStore emptyStore();

    private TopologyStore store;
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    private StorageNode node(String id, int port) {
        return new StorageNode(new NodeId(id), "127.0.0.1", port, 150, NodeState.NORMAL, Liveness.UP, now, now);
    }

    @Test
    public void startsEmptyAtEpochZero() {
        assertThat(store.epoch()).isZero();
        assertThat(store.load().nodes()).isEmpty();
    }

    @Test
    public void registeringANodeBumpsTheEpoch() {
        assertThat(store.insert(node("n1", 7001))).isEqualTo(TopologyStore.InsertOutcome.INSERTED);
        assertThat(store.epoch()).isEqualTo(1);
        store.insert(node("n2", 7002));
        var topology = store.load();
        assertThat(topology.epoch()).isEqualTo(2);
        assertThat(topology.nodes()).containsExactly(node("n1", 7001), node("n2", 7002));
    }

    @Test
    public void refusesADuplicateNodeIdWithoutBumpingTheEpoch() {
        store.insert(node("n1", 7001));
        assertThat(store.insert(node("n1", 7009))).isEqualTo(TopologyStore.InsertOutcome.ALREADY_EXISTS);
        assertThat(store.epoch()).isEqualTo(1);
        assertThat(store.find(new NodeId("n1")).orElseThrow().port()).isEqualTo(7001);
    }

    @Test
    public void aStateChangeBumpsTheEpochButALivenessChangeDoesNot() {
        StorageNode n1 = node("n1", 7001);
        store.insert(n1);
        assertThat(store.update(n1.withLiveness(Liveness.DOWN, now.plusSeconds(1)))).contains(1L);
        assertThat(store.find(n1.id()).orElseThrow().liveness()).isEqualTo(Liveness.DOWN);
        assertThat(store.update(n1.withState(NodeState.LEAVING, now.plusSeconds(2)))).contains(2L);
        assertThat(store.load().nodes().getFirst().state()).isEqualTo(NodeState.LEAVING);
    }

    @Test
    public void updatingAnUnknownNodeFindsNothing() {
        assertThat(store.update(node("ghost", 7001))).isEmpty();
        assertThat(store.epoch()).isZero();
    }
}
