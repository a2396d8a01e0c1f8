package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeReplicationFactor.Outcome;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeReplicationFactorTest {
    private static final TenantId ORDERS = new TenantId("orders");
    private static final TenantId OTHER = new TenantId("other");

    private final ChangeCluster cluster = new ChangeCluster();

    private ChangeCluster.Coordinator fourNodesWithData() {
        for (int i = 1; i <= 4; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("orders", 2);
        cluster.tenant("other", 2);
        cluster.load("orders", 300);
        cluster.load("other", 100);
        return cluster.coordinator("coord-a");
    }

    private Tenant tenant(TenantId id) {
        return cluster.tenants.find(id).orElseThrow();
    }

    /** The positions of the tenant's keys the node replicates at {@code rf} on the ring. */
    private Set<KeyPosition> replicated(Ring ring, TenantId tenant, int rf, String node) {
        Set<KeyPosition> expected = new HashSet<>();
        for (ChangeCluster.StoredKey k : cluster.keys) {
            if (k.tenant().equals(tenant) && ring.replicasFor(k.token(), rf).contains(new NodeId(node))) {
                expected.add(new KeyPosition(k.token(), k.tenant(), k.key()));
            }
        }
        return expected;
    }

    private Set<KeyPosition> held(String node, TenantId tenant) {
        Set<KeyPosition> held = new HashSet<>(cluster.keysHeldBy(node));
        held.removeIf(p -> !p.tenant().equals(tenant));
        return held;
    }

    @Test
    public void raisingTheFactorStreamsTheTenantsDataToItsNewReplicasBeforeReadsUseIt() {
        ChangeCluster.Coordinator a = fourNodesWithData();
        long epochBefore = cluster.nodes.epoch();

        Outcome outcome = a.changeRf.change(ORDERS, 3);

        assertThat(outcome).isInstanceOf(Outcome.Started.class);
        TopologyChange started = ((Outcome.Started) outcome).change();
        assertThat(started.type()).isEqualTo(ChangeType.CHANGE_RF);
        assertThat(started.replication()).contains(new ReplicationChange(ORDERS, 2, 3));
        assertThat(started.streams()).isNotEmpty()
                .allSatisfy(s -> assertThat(s.tenants()).isEqualTo(new TenantFilter.Only(List.of(ORDERS))));
        assertThat(tenant(ORDERS).replicationFactor()).as("reads keep the old RF while data moves").isEqualTo(2);
        assertThat(tenant(ORDERS).pendingReplicationFactor()).contains(3);
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore + 1);
        ChangeCluster.StoredKey key = cluster.keys.getFirst();
        ReplicaSets sets = a.topology.current().replicasFor(key.token(), 2, 3).orElseThrow();
        assertThat(sets.natural()).hasSize(2);
        assertThat(sets.pending()).as("writes already reach the third replica").hasSize(1);

        cluster.runUntil(() -> !cluster.change(started.id()).inProgress(), Duration.ofSeconds(60), a);

        TopologyChange done = cluster.change(started.id());
        assertThat(done.status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(tenant(ORDERS).replicationFactor()).isEqualTo(3);
        assertThat(tenant(ORDERS).pendingReplicationFactor()).isEmpty();
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore + 2);
        Ring ring = cluster.ring(NodeState.NORMAL);
        for (int i = 1; i <= 4; i++) {
            String n = "n" + i;
            assertThat(held(n, ORDERS)).as("node %s holds every key it replicates at RF 3", n)
                    .containsAll(replicated(ring, ORDERS, 3, n));
            assertThat(held(n, OTHER)).as("another tenant's data does not move").isEqualTo(replicated(ring, OTHER, 2, n));
        }
        long newCopies = 0;
        for (int i = 1; i <= 4; i++) {
            newCopies += replicated(ring, ORDERS, 3, "n" + i).size() - replicated(ring, ORDERS, 2, "n" + i).size();
        }
        // the third replica reads each key from a quorum of RF 2's replicas (both): either may lack a quorum write
        assertThat(newCopies).isEqualTo(300);
        assertThat(done.totals().keys()).as("each key streamed to its third replica from both current replicas")
                .isEqualTo(2 * newCopies);
    }

    @Test
    public void aNewReplicaThatLosesItsDataBeforeTheRaiseEndsIsGivenItsRangesAgain() {
        ChangeCluster.Coordinator a = fourNodesWithData();
        TopologyChange started = ((Outcome.Started) a.changeRf.change(ORDERS, 3)).change();
        cluster.stepUntil(() -> cluster.change(started.id()).streams().stream().anyMatch(RangeStream::isDone),
                Duration.ofSeconds(30), a);
        assertThat(cluster.change(started.id()).inProgress()).isTrue();
        NodeId lost = cluster.change(started.id()).streams().stream().filter(RangeStream::isDone).findFirst()
                .orElseThrow().target();
        cluster.data.wipe(lost);

        cluster.runUntil(() -> !cluster.change(started.id()).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(started.id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        Ring ring = cluster.ring(NodeState.NORMAL);
        Set<KeyPosition> gained = new HashSet<>(replicated(ring, ORDERS, 3, lost.value()));
        gained.removeAll(replicated(ring, ORDERS, 2, lost.value()));
        assertThat(gained).isNotEmpty();
        assertThat(held(lost.value(), ORDERS)).as("what %s gained at RF 3, copied again", lost).containsAll(gained);
    }

    @Test
    public void loweringTheFactorBringsTheKeptReplicasUpToDateBeforeItApplies() {
        for (int i = 1; i <= 4; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("orders", 3);
        cluster.load("orders", 300);
        ChangeCluster.Coordinator a = cluster.coordinator("coord-a");
        // quorum writes the first replica missed: after the change it is the only one
        Ring ring = cluster.ring(NodeState.NORMAL);
        List<ChangeCluster.StoredKey> missed = cluster.keys.subList(0, 20);
        for (ChangeCluster.StoredKey k : missed) {
            cluster.data.remove(ring.replicasFor(k.token(), 3).getFirst(), ORDERS, k.key());
        }
        long epochBefore = cluster.nodes.epoch();

        Outcome outcome = a.changeRf.change(ORDERS, 1);

        TopologyChange started = ((Outcome.Started) outcome).change();
        assertThat(started.status()).isEqualTo(ChangeStatus.IN_PROGRESS);
        assertThat(started.replication()).contains(new ReplicationChange(ORDERS, 3, 1));
        assertThat(tenant(ORDERS).replicationFactor()).as("reads and writes keep RF 3 while the kept replica catches up")
                .isEqualTo(3);
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore + 1);

        cluster.runUntil(() -> !cluster.change(started.id()).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(started.id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(tenant(ORDERS).replicationFactor()).isEqualTo(1);
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore + 2);
        for (int i = 1; i <= 4; i++) {
            String n = "n" + i;
            assertThat(held(n, ORDERS)).as("node %s holds every key it replicates at RF 1", n)
                    .containsAll(replicated(ring, ORDERS, 1, n));
        }
    }

    @Test
    public void boundsAreCheckedBeforeAnythingChanges() {
        ChangeCluster.Coordinator a = fourNodesWithData();
        long epochBefore = cluster.nodes.epoch();

        assertThat(a.changeRf.change(ORDERS, 0)).isInstanceOf(Outcome.InvalidReplicationFactor.class);
        assertThat(a.changeRf.change(ORDERS, 6)).isInstanceOf(Outcome.InvalidReplicationFactor.class);
        assertThat(a.changeRf.change(ORDERS, 5)).isInstanceOfSatisfying(Outcome.InvalidReplicationFactor.class,
                r -> assertThat(r.reason()).contains("exceeds the 4 storage nodes"));
        assertThat(a.changeRf.change(new TenantId("nobody"), 2)).isEqualTo(new Outcome.NotFound(new TenantId("nobody")));
        assertThat(a.changeRf.change(ORDERS, 2)).isInstanceOf(Outcome.Unchanged.class);
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore);
        assertThat(cluster.changes.list(10)).isEmpty();
    }

    @Test
    public void replicationAndNodeChangesNeverRunTogether() {
        ChangeCluster.Coordinator a = fourNodesWithData();
        var add = a.add("n5", 16);

        assertThat(a.changeRf.change(ORDERS, 3)).isInstanceOfSatisfying(Outcome.Conflicting.class,
                c -> assertThat(c.other()).isEqualTo(add.change().id()));
        cluster.runUntil(() -> !cluster.change(add.change().id()).inProgress(), Duration.ofSeconds(60), a);

        Outcome raise = a.changeRf.change(ORDERS, 3);
        assertThat(raise).isInstanceOf(Outcome.Started.class);
        ChangeId rf = ((Outcome.Started) raise).change().id();
        assertThat(a.addNode.add(new NodeId("n6"), "10.1.9.9", 7000, 16)).isInstanceOfSatisfying(
                StartOutcome.Conflicting.class, c -> assertThat(c.other()).isEqualTo(rf));
        assertThat(a.changeRf.change(OTHER, 3)).isInstanceOf(Outcome.Conflicting.class);
        assertThat(a.changeRf.change(ORDERS, 2)).as("not even to undo it").isInstanceOf(Outcome.Conflicting.class);
    }

    @Test
    public void aRaiseWhoseStreamsKeepFailingLeavesTheFactorAsItWas() {
        ChangeCluster.Coordinator a = fourNodesWithData();
        for (int i = 1; i <= 4; i++) {
            cluster.data.failScans(new NodeId("n" + i), true);
        }
        long epochBefore = cluster.nodes.epoch();

        Outcome outcome = a.changeRf.change(ORDERS, 3);
        ChangeId id = ((Outcome.Started) outcome).change().id();
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(cluster.change(id).error().orElseThrow()).contains("kept failing");
        assertThat(tenant(ORDERS).replicationFactor()).isEqualTo(2);
        assertThat(tenant(ORDERS).pendingReplicationFactor()).as("writes stop going to the would-be replicas").isEmpty();
        assertThat(cluster.nodes.epoch()).isEqualTo(epochBefore + 2);
    }
}
