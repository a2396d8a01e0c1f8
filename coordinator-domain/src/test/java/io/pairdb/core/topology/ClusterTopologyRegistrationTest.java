package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import org.junit.jupiter.api.Test;

class ClusterTopologyRegistrationTest {
    private final InMemoryTopologyStore store = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(store, new ManualClock());

    @Test
    void aRegisteredNodeJoinsTheRingAndBumpsTheEpoch() {
        var result = topology.register(new NodeId("n1"), "127.0.0.1", 7001, 8);
        assertThat(result).isInstanceOf(ClusterTopology.Registration.Registered.class);
        assertThat(topology.current().epoch()).isEqualTo(1);
        assertThat(topology.current().currentNodeCount()).isEqualTo(1);
    }

    @Test
    void aSecondRegistrationOfTheSameIdOrAddressIsRefused() {
        topology.register(new NodeId("n1"), "127.0.0.1", 7001, 8);
        assertThat(topology.register(new NodeId("n1"), "127.0.0.1", 7002, 8))
                .isEqualTo(new ClusterTopology.Registration.AlreadyRegistered(new NodeId("n1")));
        assertThat(topology.register(new NodeId("n2"), "127.0.0.1", 7001, 8))
                .isEqualTo(new ClusterTopology.Registration.AddressInUse(new NodeId("n1"), "127.0.0.1:7001"));
        assertThat(topology.current().currentNodeCount()).isEqualTo(1);
    }

    @Test
    void aRelocatedNodeKeepsItsRangesAndIsReachedAtItsNewAddress() {
        topology.register(new NodeId("n1"), "127.0.0.1", 7001, 8);
        long epoch = topology.current().epoch();
        var before = topology.current().currentRing().ranges();

        assertThat(topology.relocate(new NodeId("n1"), "127.0.0.2", 7101)).isPresent();

        assertThat(topology.current().node(new NodeId("n1")).orElseThrow().address()).isEqualTo("127.0.0.2:7101");
        assertThat(topology.current().currentRing().ranges()).isEqualTo(before);
        assertThat(topology.current().epoch()).isEqualTo(epoch);
    }

    @Test
    void relocatingAnUnknownNodeFindsNothing() {
        assertThat(topology.relocate(new NodeId("ghost"), "127.0.0.1", 7001)).isEmpty();
    }
}
