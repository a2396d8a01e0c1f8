package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dry-run figures against a ring small enough to work out by hand: one vnode per node, so each
 * node owns exactly the arc from its predecessor's position to its own.
 */
class EstimateChangeTest {
    private static final BigInteger RING = BigInteger.ONE.shiftLeft(64);

    private final ChangeCluster cluster = new ChangeCluster();

    /** The nodes sorted by their single vnode's position. */
    private static List<String> ringOrder(String... nodes) {
        return Stream.of(nodes).sorted(Comparator.comparing(n -> Token.forVnode(n, 0))).toList();
    }

    private static BigInteger position(String node) {
        return new BigInteger(Long.toUnsignedString(Token.forVnode(node, 0).value()));
    }

    /** Percent of the ring from the predecessor's position to the node's, worked out with plain arithmetic. */
    private static double arcPercent(String predecessor, String node) {
        BigInteger width = position(node).subtract(position(predecessor)).mod(RING);
        return width.doubleValue() / RING.doubleValue() * 100.0;
    }

    private static String predecessor(List<String> order, String node) {
        int i = order.indexOf(node);
        return order.get((i - 1 + order.size()) % order.size());
    }

    private static String successor(List<String> order, String node) {
        return order.get((order.indexOf(node) + 1) % order.size());
    }

    private ChangeCluster.Coordinator threeNodesAtRf1() {
        cluster.node("a", 1);
        cluster.node("b", 1);
        cluster.node("c", 1);
        cluster.tenant("t", 1);
        return cluster.coordinator("coord-a");
    }

    private static ChangeProposal planned(ChangeProposal.Check check) {
        assertThat(check).isInstanceOf(ChangeProposal.Check.Planned.class);
        return ((ChangeProposal.Check.Planned) check).plan();
    }

    @Test
    public void anAddTakesTheArcBeforeTheNewNodeFromTheNodeThatOwnedIt() {
        ChangeCluster.Coordinator coordinator = threeNodesAtRf1();
        List<String> before = ringOrder("a", "b", "c");
        List<String> after = ringOrder("a", "b", "c", "d");
        // d's arc was the start of the arc of the node after it
        String previousOwner = successor(after, "d");

        ChangeProposal plan = planned(coordinator.addNode.plan(new NodeId("d"), "10.9.9.9", 7000, 1));
        EstimateChange.ChangePlan preview = EstimateChange.of(plan, Map.of(new NodeId(previousOwner), 1000L),
                OptionalDouble.of(50.0));

        // the only range that moves at RF 1: (predecessor of d, d], from the node that owned it
        assertThat(preview.streams()).hasSize(1);
        RangeStream stream = preview.streams().getFirst().stream();
        assertThat(stream.range()).isEqualTo(new TokenRange(Token.forVnode(predecessor(after, "d"), 0), Token.forVnode("d", 0)));
        assertThat(stream.target()).isEqualTo(new NodeId("d"));
        assertThat(stream.sources()).containsExactly(new NodeId(previousOwner));

        for (EstimateChange.Ownership o : preview.ownership()) {
            String n = o.node().value();
            assertThat(o.beforePercent()).as("before, " + n)
                    .isCloseTo(before.contains(n) ? arcPercent(predecessor(before, n), n) : 0.0, within(1e-9));
            assertThat(o.afterPercent()).as("after, " + n).isCloseTo(arcPercent(predecessor(after, n), n), within(1e-9));
        }
        assertThat(preview.ownership()).extracting(o -> o.node().value()).containsExactly("a", "b", "c", "d");

        // the previous owner's 1000 keys are spread over its arc; d takes its own arc's share of them
        double share = arcPercent(predecessor(after, "d"), "d") / arcPercent(predecessor(before, previousOwner), previousOwner);
        long expectedKeys = Math.round(1000 * share);
        assertThat(preview.streams().getFirst().estimatedKeys()).hasValue(expectedKeys);
        assertThat(preview.estimatedKeys()).hasValue(expectedKeys);
        assertThat(preview.estimatedBytes()).hasValue(Math.round(expectedKeys * 50.0));
        assertThat(preview.warnings()).isEmpty();
        assertThat(preview.wouldBeRefused()).isFalse();
    }

    @Test
    public void aStreamWhoseSourcesGaveNoKeyCountHasNoEstimateAndSaysWhy() {
        ChangeCluster.Coordinator coordinator = threeNodesAtRf1();

        ChangeProposal plan = planned(coordinator.addNode.plan(new NodeId("d"), "10.9.9.9", 7000, 1));
        EstimateChange.ChangePlan preview = EstimateChange.of(plan, Map.of(), OptionalDouble.empty());

        assertThat(preview.estimatedKeys()).isEmpty();
        assertThat(preview.estimatedBytes()).isEmpty();
        assertThat(preview.warnings()).singleElement().isInstanceOf(EstimateChange.Warning.KeyCountsUnknown.class);
    }

    @Test
    public void aDryRunPlansTheSameStreamsAsTheRealChangeAndWritesNothing() {
        ChangeCluster.Coordinator coordinator = threeNodesAtRf1();
        cluster.tenant("u", 2);
        long epoch = cluster.nodes.epoch();
        DryRunChanges dryRuns = new DryRunChanges(coordinator.addNode, coordinator.removeNode, cluster.changes,
                cluster.health, coordinator.scheduler, ChangeCluster.settings("coord-a"));

        var outcome = dryRuns.remove(new NodeId("b"), false);

        assertThat(outcome).isInstanceOf(DryRunChanges.Outcome.Planned.class);
        EstimateChange.ChangePlan preview = ((DryRunChanges.Outcome.Planned) outcome).plan();
        assertThat(cluster.nodes.epoch()).as("nothing written").isEqualTo(epoch);
        assertThat(cluster.changes.list(10)).isEmpty();
        assertThat(preview.ownership()).filteredOn(o -> o.node().value().equals("b"))
                .singleElement().satisfies(o -> assertThat(o.afterPercent()).isZero());

        var started = (StartOutcome.Started) coordinator.removeNode.remove(new NodeId("b"), false);
        assertThat(preview.streams()).extracting(s -> List.of(s.stream().range(), s.stream().target(), s.stream().sources()))
                .containsExactlyElementsOf(started.change().streams().stream()
                        .map(s -> List.of(s.range(), s.target(), s.sources())).toList());
    }

    @Test
    public void checksThatWouldRefuseTheRealRemovalBecomeBlockingWarnings() {
        ChangeCluster.Coordinator coordinator = threeNodesAtRf1();
        cluster.tenant("wide", 3);
        cluster.health.failEveryCall(new NodeId("c"));

        ChangeProposal plan = planned(coordinator.removeNode.plan(new NodeId("c"), false));
        EstimateChange.ChangePlan preview = EstimateChange.of(plan, Map.of(), OptionalDouble.empty());

        assertThat(preview.wouldBeRefused()).isTrue();
        assertThat(plan.refusals()).first().isEqualTo(coordinator.removeNode.remove(new NodeId("c"), false));
        assertThat(plan.refusals()).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("TooFewNodes", "NodeDown");
        assertThat(cluster.stored("c").state()).isEqualTo(io.pairdb.core.node.NodeState.NORMAL);
    }

    @Test
    public void aForcedRemovalOfADeadOnlyReplicaWarnsThatItsDataIsLost() {
        ChangeCluster.Coordinator coordinator = threeNodesAtRf1();
        cluster.health.failEveryCall(new NodeId("c"));

        ChangeProposal plan = planned(coordinator.removeNode.plan(new NodeId("c"), true));
        EstimateChange.ChangePlan preview = EstimateChange.of(plan, Map.of(), OptionalDouble.empty());

        assertThat(preview.wouldBeRefused()).isFalse();
        assertThat(preview.change().unrecoverableRanges()).isEqualTo(1);
        assertThat(preview.warnings()).hasAtLeastOneElementOfType(EstimateChange.Warning.NodeDown.class)
                .hasAtLeastOneElementOfType(EstimateChange.Warning.ReplicasLost.class);
    }
}
