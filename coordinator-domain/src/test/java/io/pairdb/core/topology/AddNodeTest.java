package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddNodeTest {
    private final ChangeCluster cluster = new ChangeCluster();

    private ChangeCluster.Coordinator threeNodesWithData() {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("big", 3);
        cluster.tenant("small", 1);
        cluster.load("big", 300);
        cluster.load("small", 200);
        return cluster.coordinator("coord-a");
    }

    @Test
    public void aJoiningNodeReceivesExactlyTheRangesItWillReplicateForEveryTenant() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        long epochBefore = cluster.nodes.epoch();

        var started = a.add("n4", 16);

        assertThat(started.node().state()).isEqualTo(NodeState.BOOTSTRAPPING);
        assertThat(started.epoch()).isEqualTo(epochBefore + 1);
        assertThat(started.ownershipPercent()).as("a joining node is primary for no token until it holds its ranges")
                .isZero();
        assertThat(a.topology.current().epoch()).as("the starting coordinator serves the new epoch at once")
                .isEqualTo(epochBefore + 1);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);

        TopologyChange done = cluster.change(started.change().id());
        assertThat(done.status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(done.completedAt()).isPresent();
        assertThat(done.streams()).allMatch(RangeStream::isDone);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.NORMAL);
        assertThat(cluster.nodes.epoch()).as("started, handed over, ended").isEqualTo(epochBefore + 3);
        Ring after = cluster.ring(NodeState.NORMAL);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(after, "n4"));
        assertThat(done.totals().keys()).isEqualTo(cluster.keysReplicatedBy(after, "n4").size());
        for (String n : List.of("n1", "n2", "n3")) {
            assertThat(cluster.keysHeldBy(n)).containsAll(cluster.keysReplicatedBy(after, n));
        }
    }

    @Test
    public void aNodeThatHoldsDataIsRefusedUnlessAskedAndNothingIsWritten() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        NodeId leftover = new NodeId("n4");
        // what an earlier membership left on it: a version whose tombstone the cluster has purged since
        cluster.health.put(leftover, new TenantId("big"), "deleted-long-ago", io.pairdb.core.version.Version.of(
                "old".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                io.pairdb.core.version.VectorClock.of("coord-x", 1), 1));
        long epoch = cluster.nodes.epoch();

        assertThat(a.addNode.add(leftover, "10.1.9.4", 7000, 16)).isEqualTo(new StartOutcome.HoldsData(leftover, 1));
        assertThat(cluster.nodes.find(leftover)).isEmpty();
        assertThat(cluster.nodes.epoch()).isEqualTo(epoch);

        assertThat(a.addNode.add(leftover, "10.1.9.4", 7000, 16, true)).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    public void aNodeThatPurgesTombstonesSoonerThanTheCoordinatorsAssumeIsRefused() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        NodeId hasty = new NodeId("n4");
        cluster.health.reportGcGrace(hasty, Duration.ofHours(1));

        assertThat(a.addNode.add(hasty, "10.1.9.4", 7000, 16, true)).isEqualTo(new StartOutcome.GcGraceTooShort(hasty,
                Duration.ofHours(1), ChangeSettings.DEFAULT_MIN_TOMBSTONE_GC_GRACE));
        assertThat(cluster.nodes.find(hasty)).isEmpty();

        cluster.health.reportGcGrace(hasty, Duration.ofDays(10));
        assertThat(a.addNode.add(hasty, "10.1.9.4", 7000, 16)).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    public void aNodeThatDoesNotAnswerIsRefused() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        cluster.health.failEveryCall(new NodeId("n4"));

        assertThat(a.addNode.add(new NodeId("n4"), "10.1.9.4", 7000, 16))
                .isInstanceOf(StartOutcome.NodeUnreachable.class);
        assertThat(cluster.nodes.find(new NodeId("n4"))).isEmpty();
    }

    @Test
    public void aTenantCreatedBetweenPlanningAndStartIsStreamedToo() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        // created (with an RF no other tenant uses) right after the add read the tenants to plan
        cluster.tenants.afterNextList(() -> {
            cluster.tenant("late", 2);
            cluster.load("late", 200);
        });

        var started = a.add("n4", 16);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);

        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        Ring after = cluster.ring(NodeState.NORMAL);
        assertThat(cluster.keysReplicatedBy(after, "n4")).anyMatch(k -> k.tenant().value().equals("late"));
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(after, "n4"));
    }

    @Test
    public void whileItJoinsTheNodeIsAPendingReplicaThatServesNoReads() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        a.add("n4", 16);

        TopologyView view = a.topology.current();
        Token token = cluster.keys.stream().filter(k -> Ring.of(List.of(
                        new Ring.Member(new NodeId("n1"), 16), new Ring.Member(new NodeId("n2"), 16),
                        new Ring.Member(new NodeId("n3"), 16), new Ring.Member(new NodeId("n4"), 16)))
                .replicasFor(k.token(), 3).contains(new NodeId("n4"))).findFirst().orElseThrow().token();
        var sets = view.replicasFor(token, 3).orElseThrow();
        assertThat(sets.pending()).extracting(n -> n.id().value()).containsExactly("n4");
        assertThat(sets.natural()).extracting(n -> n.id().value()).doesNotContain("n4");
    }

    @Test
    public void aClusterWithNothingToStreamTakesTheNodeAtOnce() {
        cluster.node("n1", 16);
        ChangeCluster.Coordinator a = cluster.coordinator("coord-a");

        var started = a.add("n2", 16);

        assertThat(started.change().status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(started.node().state()).isEqualTo(NodeState.NORMAL);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.NORMAL);
        assertThat(a.topology.current().currentNodeCount()).isEqualTo(2);
        assertThat(cluster.changes.inProgress()).isEmpty();
    }

    /**
     * Found by reading, after seed 29827: an add with nothing to stream (no tenant yet) that ended as
     * it started left another coordinator on the ring without the node until its next refresh. A
     * tenant created meanwhile (nothing stopped it: no node was joining any more) was then written
     * there on that ring, and read everywhere else on the new one: an RF 1 write acknowledged and
     * then not found. With another coordinator live the add is driven: the node is BOOTSTRAPPING,
     * which holds tenant creation off, until every live coordinator serves its epochs.
     */
    @Test
    public void anAddWithNothingToStreamWaitsForTheOtherLiveCoordinatorsToServeItsEpoch() {
        cluster.node("n1", 16);
        ChangeCluster.Coordinator a = cluster.coordinator("coord-a");
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        b.heartbeat();

        var started = a.add("n2", 16);

        assertThat(started.change().streams()).isEmpty();
        assertThat(started.change().inProgress()).as("b serves the ring without n2").isTrue();
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.BOOTSTRAPPING);
        cluster.runFor(Duration.ofSeconds(5), a);
        assertThat(cluster.change(started.change().id()).inProgress()).isTrue();

        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> cluster.stored("n2").state() == NodeState.BOOTSTRAPPED, Duration.ofSeconds(30), a);
        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.NORMAL);
    }

    @Test
    public void aNodeThatIsRegisteredOrAnAddressInUseIsRefused() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        assertThat(a.addNode.add(new NodeId("n2"), "10.9.9.9", 7000, 16)).isEqualTo(new StartOutcome.NodeExists(new NodeId("n2")));
        String address = cluster.stored("n1").host();
        assertThat(a.addNode.add(new NodeId("n9"), address, 7000, 16))
                .isEqualTo(new StartOutcome.AddressInUse(new NodeId("n1"), address + ":7000"));
    }

    @Test
    public void streamingWaitsUntilEveryLiveCoordinatorServesTheNewEpoch() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        b.heartbeat();
        var started = a.add("n4", 16);

        cluster.runFor(Duration.ofSeconds(5), a);
        assertThat(cluster.data.scansOpened()).as("b still serves the old epoch").isEmpty();

        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    @Test
    public void aJoinedNodeBecomesNormalOnlyOnceEveryLiveCoordinatorServesTheHandOverEpoch() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        b.heartbeat();
        var started = a.add("n4", 16);
        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> cluster.stored("n4").state() == NodeState.BOOTSTRAPPED, Duration.ofSeconds(30), a);
        long handOver = cluster.nodes.epoch();
        assertThat(handOver).as("streamed, then handed over with an epoch of its own").isEqualTo(started.epoch() + 1);
        assertThat(a.topology.current().currentRing().nodeCount()).as("n4 serves reads").isEqualTo(4);

        cluster.runFor(Duration.ofSeconds(5), a);
        assertThat(cluster.change(started.change().id()).inProgress())
                .as("b still serves the epoch before the hand-over, so it may read from the replicas n4 displaces")
                .isTrue();
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.BOOTSTRAPPED);
        assertThat(cluster.nodes.epoch()).isEqualTo(handOver);

        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.NORMAL);
        assertThat(cluster.nodes.epoch()).isEqualTo(handOver + 1);
    }

    @Test
    public void aCoordinatorSilentPastTheLivenessTimeoutIsNotWaitedFor() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        cluster.coordinator("coord-b").heartbeat();
        var started = a.add("n4", 16);

        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(40), a);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    @Test
    public void aChangeWhoseEpochIsNeverServedEverywhereFailsAndIsRolledBack() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator stuck = cluster.coordinator("coord-stuck");
        stuck.heartbeat();
        var started = a.add("n4", 16);
        // it keeps heartbeating, but never with the new epoch
        cluster.runUntil(() -> {
            stuck.fence.reportServedEpoch();
            return !cluster.change(started.change().id()).inProgress();
        }, Duration.ofSeconds(90), a);

        TopologyChange failed = cluster.change(started.change().id());
        assertThat(failed.status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(failed.error().orElseThrow()).contains("coord-stuck");
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.LEFT);
        assertThat(cluster.data.scansOpened()).isEmpty();
    }

    @Test
    public void streamsThatKeepFailingPastTheTimeoutRollTheJoinBack() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), true);
        }
        long epochBefore = cluster.nodes.epoch();
        var started = a.add("n4", 16);

        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(60), a);

        TopologyChange failed = cluster.change(started.change().id());
        assertThat(failed.status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(failed.error().orElseThrow()).contains("kept failing").contains("injected");
        assertThat(failed.completedAt()).isPresent();
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.LEFT);
        assertThat(cluster.nodes.epoch()).as("started, rolled back").isEqualTo(epochBefore + 2);
        assertThat(a.topology.current().currentNodeCount()).isEqualTo(3);
        assertThat(a.topology.current().futureRing().nodeCount()).as("no pending replica left").isEqualTo(3);
        assertThat(a.events).contains("ended " + failed.id() + " FAILED");
    }

    @Test
    public void aStreamThatRecoversBeforeTheTimeoutCompletes() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        cluster.data.failWrites(new NodeId("n4"), true);
        var started = a.add("n4", 16);
        cluster.runFor(Duration.ofSeconds(8), a);
        TopologyChange failing = cluster.change(started.change().id());
        assertThat(failing.streams()).anySatisfy(s -> assertThat(s.failingSince()).isPresent());

        cluster.data.failWrites(new NodeId("n4"), false);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(60), a);

        TopologyChange done = cluster.change(started.change().id());
        assertThat(done.status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(done.streams()).allSatisfy(s -> assertThat(s.failingSince()).isEmpty());
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4"));
    }

    @Test
    public void aNodeThatLeftCanJoinAgain() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), true);
        }
        var first = a.add("n4", 16);
        cluster.runUntil(() -> !cluster.change(first.change().id()).inProgress(), Duration.ofSeconds(60), a);
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), false);
        }

        var second = a.add("n4", 16);
        assertThat(second.change().id()).isNotEqualTo(first.change().id());
        cluster.runUntil(() -> !cluster.change(second.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(second.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.NORMAL);
    }

    @Test
    public void aChangeOverlappingOneInFlightIsRefused() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        var first = a.add("n4", 16);

        StartOutcome second = a.addNode.add(new NodeId("n5"), "10.1.1.5", 7000, 16);
        assertThat(second).isInstanceOfSatisfying(StartOutcome.Conflicting.class,
                c -> assertThat(c.other()).isEqualTo(first.change().id()));
        assertThat(cluster.nodes.find(new NodeId("n5"))).isEmpty();
        assertThat(a.removeNode.remove(new NodeId("n4"), false))
                .isEqualTo(new StartOutcome.NodeNotNormal(new NodeId("n4"), NodeState.BOOTSTRAPPING));
        assertThat(a.removeNode.remove(new NodeId("n1"), true)).isInstanceOf(StartOutcome.Conflicting.class);
    }

    @Test
    public void addsWhoseRangesDoNotOverlapRunSideBySide() {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 4);
        }
        cluster.tenant("big", 2);
        cluster.load("big", 400);
        ChangeCluster.Coordinator a = cluster.coordinator("coord-a");
        TopologyView view = a.topology.current();
        var tenants = cluster.tenants.list();
        // two new nodes of one vnode each whose plans touch different ranges
        String first = null;
        String second = null;
        outer:
        for (int i = 0; i < 200; i++) {
            var p1 = PlanRangeStreams.forAdd(view, candidate("x" + i), tenants);
            for (int j = i + 1; j < 200; j++) {
                var p2 = PlanRangeStreams.forAdd(view, candidate("x" + j), tenants);
                TopologyChange inFlight = new TopologyChange(new ChangeId("c"), ChangeType.ADD_NODE, new NodeId("x" + i),
                        ChangeStatus.IN_PROGRESS, 1, false, 0, p1.streams(), cluster.clock.now(), cluster.clock.now(),
                        Optional.empty(), Optional.empty(), Optional.empty());
                if (ChangeConflicts.find(new NodeId("x" + j), p2.streams(), List.of(inFlight)).isEmpty()) {
                    first = "x" + i;
                    second = "x" + j;
                    break outer;
                }
            }
        }
        assertThat(first).as("two one-vnode nodes with disjoint ranges").isNotNull();

        var one = a.add(first, 1);
        var two = a.add(second, 1);
        cluster.runUntil(() -> !cluster.change(one.change().id()).inProgress()
                && !cluster.change(two.change().id()).inProgress(), Duration.ofSeconds(30), a);

        assertThat(cluster.change(one.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.change(two.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        Ring after = cluster.ring(NodeState.NORMAL);
        assertThat(cluster.keysHeldBy(first)).isEqualTo(cluster.keysReplicatedBy(after, first));
        assertThat(cluster.keysHeldBy(second)).isEqualTo(cluster.keysReplicatedBy(after, second));
    }

    private io.pairdb.core.node.StorageNode candidate(String id) {
        return new io.pairdb.core.node.StorageNode(new NodeId(id), "10.2.0.1", 7000, 1, NodeState.BOOTSTRAPPING,
                io.pairdb.core.node.Liveness.UP, cluster.clock.now(), cluster.clock.now());
    }
}
