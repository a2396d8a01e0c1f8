package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Where a change's streams read from. Only the replica a stream's target replaces is sure to hold
 * every write acknowledged in that replica set: a quorum write may have left another replica
 * without it, and one that lost its disk holds nothing. A stream that fell back to such a replica
 * while the replaced one was briefly unreadable "succeeded" with writes missing, and once the
 * leaving node was gone they were lost.
 */
class PlanRangeStreamsSourcesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<Tenant> TENANTS = List.of(tenant("a", 1), tenant("b", 2), tenant("c", 3));

    private static StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "10.0.0." + id.substring(1), 7000, 8, state, Liveness.UP, NOW, NOW);
    }

    private static TopologyView fiveNodes() {
        List<StorageNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            nodes.add(node("n" + i, NodeState.NORMAL));
        }
        return TopologyView.of(new Topology(1, nodes));
    }

    private static Tenant tenant(String id, int rf) {
        return new Tenant(new TenantId(id), rf, NOW, NOW, 1);
    }

    /** Every stream reads only from replicas that leave the replica set its target enters, for each of its RFs. */
    private static void assertOnlyReplacedReplicasAreSources(PlanRangeStreams.Plan plan, Ring current, Ring future) {
        assertThat(plan.streams()).isNotEmpty();
        for (RangeStream s : plan.streams()) {
            for (int rf : s.replicationFactors()) {
                Set<NodeId> replaced = new HashSet<>(current.replicasFor(s.range().end(), rf));
                replaced.removeAll(future.replicasFor(s.range().end(), rf));
                assertThat(s.sources()).as("sources of RF %d of %s to %s", rf, s.range(), s.target())
                        .isNotEmpty().allSatisfy(source -> assertThat(replaced).contains(source));
            }
        }
    }

    @Test
    void aRemovalReadsEveryRangeFromTheLeavingNodeAlone() {
        TopologyView view = fiveNodes();
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(view, new NodeId("n3"), TENANTS, false);

        assertThat(plan.streams()).allSatisfy(s -> assertThat(s.sources()).containsExactly(new NodeId("n3")));
        assertThat(plan.unrecoverableRanges()).isZero();
    }

    @Test
    void anAdditionReadsEveryRangeFromTheReplicaTheJoiningNodeReplaces() {
        TopologyView view = fiveNodes();
        StorageNode joining = node("n6", NodeState.BOOTSTRAPPING);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(view, joining, TENANTS);

        List<Ring.Member> members = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            members.add(new Ring.Member(new NodeId("n" + i), 8));
        }
        assertOnlyReplacedReplicasAreSources(plan, view.currentRing(), Ring.of(members));
    }

    /** RF 3 to 5: a quorum write may be on two of the three current replicas only, any two. */
    @Test
    void aRaisedReplicationFactorGivesEachNewReplicaTheRangeFromAQuorumOfTheCurrentOnes() {
        TopologyView view = fiveNodes();
        ReplicationChange raise = new ReplicationChange(new TenantId("c"), 3, 5);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forReplication(view, raise);

        assertThat(plan.streams()).isNotEmpty();
        Ring ring = view.currentRing();
        for (RangeStream s : plan.streams()) {
            List<NodeId> before = ring.replicasFor(s.range().end(), 3);
            Set<NodeId> read = new HashSet<>();
            plan.streams().stream().filter(o -> o.range().equals(s.range()) && o.target().equals(s.target()))
                    .forEach(o -> {
                        assertThat(o.sources()).as("one source per stream").hasSize(1);
                        read.addAll(o.sources());
                    });
            assertThat(before).containsAll(read);
            assertThat(read).as("%s reads %s from", s.target(), s.range()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /**
     * RF 3: a write acknowledged at quorum by the dead node and one other replica is on that one
     * survivor only, either of the two. Each range is read from every survivor of its replica set
     * (one stream each), or the new replica may miss such a write.
     */
    @Test
    void aForcedRemovalReadsEachRangeFromEverySurvivorOfItsReplicaSet() {
        TopologyView view = fiveNodes();
        NodeId dead = new NodeId("n3");
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(view, dead, TENANTS, true);

        Ring ring = view.currentRing();
        assertThat(plan.streams()).isNotEmpty();
        for (RangeStream s : plan.streams()) {
            Set<NodeId> readFirst = new HashSet<>();
            plan.streams().stream().filter(o -> o.range().equals(s.range()) && o.target().equals(s.target()))
                    .forEach(o -> readFirst.add(o.sources().getFirst()));
            for (int rf : s.replicationFactors()) {
                Set<NodeId> survivors = new HashSet<>(ring.replicasFor(s.range().end(), rf));
                survivors.remove(dead);
                assertThat(readFirst).as("RF %d: %s reads %s from", rf, s.target(), s.range()).containsAll(survivors);
            }
        }
    }

    @Test
    void aForcedRemovalOfADownNodeReadsFromTheSurvivors() {
        TopologyView view = fiveNodes();
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(view, new NodeId("n3"), TENANTS, true);

        assertThat(plan.streams()).isNotEmpty().allSatisfy(s -> assertThat(s.sources()).doesNotContain(new NodeId("n3")));
        assertThat(plan.streams()).anySatisfy(s -> assertThat(s.sources()).hasSizeGreaterThan(1));
        assertThat(plan.unrecoverableRanges()).as("the RF 1 tenant's ranges of n3").isPositive();
    }

    private static TopologyView twoNodes() {
        return TopologyView.of(new Topology(1, List.of(node("n1", NodeState.NORMAL), node("n2", NodeState.NORMAL))));
    }

    /**
     * A forced removal left two nodes for an RF 3 tenant. Its quorum writes from before are each on
     * one survivor at least, not necessarily the same one. A node added to make three replicates every
     * range: it must read each from both survivors, or a quorum read of it and the other misses them.
     */
    @Test
    void aNodeAddedToARingBelowATenantsRfReadsEveryRangeFromEveryNode() {
        StorageNode joining = node("n3", NodeState.BOOTSTRAPPING);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(twoNodes(), joining, List.of(tenant("c", 3)));

        assertThat(plan.streams()).isNotEmpty().allSatisfy(s -> assertThat(s.target()).isEqualTo(joining.id()));
        Ring future = Ring.of(List.of(new Ring.Member(new NodeId("n1"), 8), new Ring.Member(new NodeId("n2"), 8),
                new Ring.Member(new NodeId("n3"), 8)));
        for (var range : RangeMovements.elementaryRanges(twoNodes().currentRing(), future)) {
            Set<NodeId> readFirst = new HashSet<>();
            plan.streams().stream().filter(s -> s.range().equals(range)).forEach(s -> readFirst.add(s.sources().getFirst()));
            assertThat(readFirst).as("%s is read from", range).containsExactlyInAnyOrder(new NodeId("n1"), new NodeId("n2"));
        }
    }

    /** Still below the RF after the addition (RF 5, two nodes now three): the added node reads from both. */
    @Test
    void aNodeAddedToARingThatStaysBelowATenantsRfStillReadsEveryRangeFromEveryNode() {
        StorageNode joining = node("n3", NodeState.BOOTSTRAPPING);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(twoNodes(), joining, List.of(tenant("e", 5)));

        assertThat(plan.streams()).isNotEmpty().allSatisfy(s -> assertThat(s.target()).isEqualTo(joining.id()));
        Set<NodeId> readFirst = new HashSet<>();
        plan.streams().forEach(s -> readFirst.add(s.sources().getFirst()));
        assertThat(readFirst).containsExactlyInAnyOrder(new NodeId("n1"), new NodeId("n2"));
        assertThat(plan.releases()).isEmpty();
    }

    /** Lowered from 3 to 1 on the two nodes left: the one kept gets what only the dropped one holds. */
    @Test
    void anRfLoweredOnARingBelowTheOldRfStreamsFromTheDroppedNodeToTheKeptOne() {
        TopologyView view = twoNodes();
        PlanRangeStreams.Plan plan = PlanRangeStreams.forReplication(view, new ReplicationChange(new TenantId("c"), 3, 1));

        assertThat(plan.streams()).isNotEmpty();
        assertThat(plan.releases()).isNotEmpty();
        for (var range : RangeMovements.elementaryRanges(view.currentRing(), view.currentRing())) {
            NodeId kept = view.currentRing().replicasFor(range.end(), 1).getFirst();
            NodeId dropped = kept.equals(new NodeId("n1")) ? new NodeId("n2") : new NodeId("n1");
            assertThat(plan.streams()).filteredOn(s -> s.range().equals(range)).singleElement()
                    .satisfies(s -> {
                        assertThat(s.target()).isEqualTo(kept);
                        assertThat(s.sources()).containsExactly(dropped);
                    });
            assertThat(plan.releases()).filteredOn(r -> r.range().equals(range)).singleElement()
                    .satisfies(r -> assertThat(r.node()).isEqualTo(dropped));
        }
    }
}
