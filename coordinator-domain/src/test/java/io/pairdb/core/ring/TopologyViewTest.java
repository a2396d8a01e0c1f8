package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Cassandra's replica-set rules (DESIGN.md §4): current ring for reads, future ring for pending writes. */
class TopologyViewTest {
    private static final int RF = 3;
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<Token> KEYS = IntStream.range(0, 300)
            .mapToObj(i -> Token.forKey("acme", "key-" + i)).toList();

    private static StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), id + ".local", 7000, 150, state, Liveness.UP, T, T);
    }

    private static TopologyView view(StorageNode... nodes) {
        return TopologyView.of(new Topology(7, Arrays.asList(nodes)));
    }

    private static final StorageNode A = node("node-a", NodeState.NORMAL);
    private static final StorageNode B = node("node-b", NodeState.NORMAL);
    private static final StorageNode C = node("node-c", NodeState.NORMAL);

    @Test
    void aBootstrappingNodeIsAPendingReplicaAndNeverANaturalOne() {
        StorageNode joining = node("node-d", NodeState.BOOTSTRAPPING);
        TopologyView view = view(A, B, C, joining);

        assertThat(view.currentRing().nodeCount()).isEqualTo(3);
        assertThat(view.futureRing().nodeCount()).isEqualTo(4);
        int pendingSomewhere = 0;
        for (Token key : KEYS) {
            ReplicaSets sets = view.replicasFor(key, RF).orElseThrow();
            assertThat(sets.natural()).hasSize(RF).doesNotContain(joining);
            assertThat(ids(sets.natural())).isEqualTo(view.currentRing().replicasFor(key, RF));
            boolean joiningWillOwnIt = view.futureRing().replicasFor(key, RF).contains(joining.id());
            assertThat(sets.pending().contains(joining)).isEqualTo(joiningWillOwnIt);
            assertThat(sets.pending()).doesNotContainAnyElementsOf(sets.natural());
            assertThat(sets.writeTargets()).containsExactlyElementsOf(concat(sets.natural(), sets.pending()));
            if (joiningWillOwnIt) {
                pendingSomewhere++;
            }
        }
        assertThat(pendingSomewhere).as("keys the joining node will own").isPositive();
    }

    @Test
    void aLeavingNodeStaysANaturalReplica() {
        StorageNode leaving = node("node-d", NodeState.LEAVING);
        TopologyView view = view(A, B, C, leaving);

        assertThat(view.currentRing().nodeCount()).isEqualTo(4);
        assertThat(view.futureRing().nodeCount()).isEqualTo(3);
        int naturalSomewhere = 0;
        for (Token key : KEYS) {
            ReplicaSets sets = view.replicasFor(key, RF).orElseThrow();
            assertThat(ids(sets.natural())).isEqualTo(view.currentRing().replicasFor(key, RF));
            assertThat(sets.pending()).doesNotContain(leaving);
            if (sets.natural().contains(leaving)) {
                naturalSomewhere++;
                // its successor in the future ring receives the writes it will take over
                assertThat(sets.pending()).hasSize(1);
            } else {
                assertThat(sets.pending()).isEmpty();
            }
        }
        assertThat(naturalSomewhere).as("keys the leaving node still serves").isPositive();
    }

    @Test
    void aNodeThatLeftIsInNeitherRing() {
        StorageNode left = node("node-d", NodeState.LEFT);
        TopologyView view = view(A, B, C, left);

        assertThat(view.currentRing().nodeCount()).isEqualTo(3);
        assertThat(view.futureRing().nodeCount()).isEqualTo(3);
        assertThat(view.node(left.id())).as("kept for audit").contains(left);
        for (Token key : KEYS) {
            ReplicaSets sets = view.replicasFor(key, RF).orElseThrow();
            assertThat(sets.writeTargets()).doesNotContain(left);
            assertThat(sets.pending()).isEmpty();
        }
        assertThat(view.replicasFor(KEYS.getFirst(), 4)).isEmpty();
    }

    @Test
    void aNodeMarkedDownKeepsItsPlaceInTheRing() {
        StorageNode down = C.withLiveness(Liveness.DOWN, T);
        TopologyView allUp = view(A, B, C);
        TopologyView oneDown = view(A, B, down);

        assertThat(oneDown.currentNodeCount()).isEqualTo(3);
        Set<Token> servedByDown = new HashSet<>();
        for (Token key : KEYS) {
            for (int rf = 1; rf <= 3; rf++) {
                ReplicaSets expected = allUp.replicasFor(key, rf).orElseThrow();
                ReplicaSets actual = oneDown.replicasFor(key, rf).orElseThrow();
                assertThat(ids(actual.natural())).isEqualTo(ids(expected.natural()));
                if (actual.natural().contains(down)) {
                    servedByDown.add(key);
                }
            }
        }
        assertThat(servedByDown).isNotEmpty();
        assertThat(oneDown.currentRing().ownershipPercent()).isEqualTo(allUp.currentRing().ownershipPercent());
    }

    @Test
    void tooFewNodesInTheCurrentRingGiveNoReplicaSets() {
        TopologyView view = view(A, node("node-d", NodeState.BOOTSTRAPPING), node("node-e", NodeState.BOOTSTRAPPING));

        assertThat(view.replicasFor(KEYS.getFirst(), 2)).isEmpty();
        assertThat(view.replicasFor(KEYS.getFirst(), 1)).hasValueSatisfying(sets ->
                assertThat(sets.natural()).containsExactly(A));
        assertThat(TopologyView.empty().replicasFor(KEYS.getFirst(), 1)).isEmpty();
    }

    /**
     * While a change hands over, readers of the epoch before still read the ring as it was: a write
     * acknowledged by {@code quorum + pending} replicas must hold a quorum of both rings.
     */
    @Test
    void aBootstrappedNodeServesReadsWhileTheReplicasItTakesOverStillReceiveWrites() {
        StorageNode joined = node("node-d", NodeState.BOOTSTRAPPED);
        TopologyView before = view(A, B, C, node("node-d", NodeState.BOOTSTRAPPING));
        TopologyView handingOver = view(A, B, C, joined);
        TopologyView after = view(A, B, C, node("node-d", NodeState.NORMAL));

        int displacedSomewhere = 0;
        for (Token key : KEYS) {
            ReplicaSets sets = handingOver.replicasFor(key, RF).orElseThrow();
            assertThat(ids(sets.natural())).as("reads use the ring as it will be")
                    .isEqualTo(ids(after.replicasFor(key, RF).orElseThrow().natural()));
            List<NodeId> readBefore = ids(before.replicasFor(key, RF).orElseThrow().natural());
            assertThat(ids(sets.writeTargets())).as("writes still reach the ring readers one epoch behind use")
                    .containsAll(readBefore);
            assertQuorumOfEach(sets, readBefore, ids(sets.natural()));
            if (!ids(sets.natural()).containsAll(readBefore)) {
                displacedSomewhere++;
            }
        }
        assertThat(displacedSomewhere).as("keys whose old replica the joined node displaces").isPositive();
    }

    @Test
    void aHandedOverNodeNoLongerServesReadsButStillReceivesWrites() {
        StorageNode departed = node("node-c", NodeState.HANDED_OVER);
        TopologyView before = view(A, B, node("node-c", NodeState.LEAVING), node("node-d", NodeState.NORMAL));
        TopologyView handingOver = view(A, B, departed, node("node-d", NodeState.NORMAL));

        int departedReplicates = 0;
        for (Token key : KEYS) {
            ReplicaSets sets = handingOver.replicasFor(key, RF).orElseThrow();
            assertThat(sets.natural()).doesNotContain(departed);
            List<NodeId> readBefore = ids(before.replicasFor(key, RF).orElseThrow().natural());
            assertQuorumOfEach(sets, readBefore, ids(sets.natural()));
            if (readBefore.contains(departed.id())) {
                assertThat(sets.pending()).contains(departed);
                departedReplicates++;
            }
        }
        assertThat(departedReplicates).isPositive();
    }

    /** Any {@code quorum + pending} of the write targets include a quorum of each ring. */
    private static void assertQuorumOfEach(ReplicaSets sets, List<NodeId> oneRing, List<NodeId> otherRing) {
        int acks = RF / 2 + 1 + sets.pending().size();
        int missing = sets.writeTargets().size() - acks;
        for (List<NodeId> ring : List.of(oneRing, otherRing)) {
            assertThat(ring.size() - missing).as("acknowledgements among " + ring + " at worst").isGreaterThanOrEqualTo(RF / 2 + 1);
        }
    }

    private static List<NodeId> ids(List<StorageNode> nodes) {
        return nodes.stream().map(StorageNode::id).toList();
    }

    private static List<StorageNode> concat(List<StorageNode> a, List<StorageNode> b) {
        List<StorageNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
