package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One vnode per node, so the ranges and their replicas can be read off the sorted positions. */
class RingDescriptionTest {
    private static StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "10.0.0." + id.charAt(0), 7000, 1, state, Liveness.UP, Instant.EPOCH,
                Instant.EPOCH);
    }

    private final TopologyView view = TopologyView.of(new Topology(4, List.of(
            node("a", NodeState.NORMAL), node("b", NodeState.NORMAL), node("c", NodeState.BOOTSTRAPPING))));

    @Test
    public void everyRangeBetweenBothRingsPositionsHasItsReplicasAndTheJoiningNodeIsPendingOnItsOwnArc() {
        List<String> order = Stream.of("a", "b", "c").sorted(Comparator.comparing(n -> Token.forVnode(n, 0))).toList();

        RingDescription ring = RingDescription.of(view, 1).orElseThrow();

        assertThat(ring.epoch()).isEqualTo(4);
        assertThat(ring.ranges()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String owner = order.get(i);
            String previous = order.get((i + 2) % 3);
            RingDescription.Range range = ring.ranges().get(i);
            assertThat(range.range()).isEqualTo(new TokenRange(Token.forVnode(previous, 0), Token.forVnode(owner, 0)));
            if (owner.equals("c")) {
                // c's arc is served, for now, by the next NORMAL node clockwise; c receives its writes
                String next = order.get((i + 1) % 3);
                assertThat(range.natural()).containsExactly(new NodeId(next));
                assertThat(range.pending()).containsExactly(new NodeId("c"));
            } else {
                assertThat(range.natural()).containsExactly(new NodeId(owner));
                assertThat(range.pending()).isEmpty();
            }
        }
    }

    @Test
    public void aReplicationFactorLargerThanTheCurrentRingHasNoDescription() {
        assertThat(RingDescription.of(view, 3)).isEmpty();
        assertThat(RingDescription.of(view, 2)).isPresent();
    }
}
