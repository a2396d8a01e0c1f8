package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RemoveNodeTest {
    private final ChangeCluster cluster = new ChangeCluster();

    private ChangeCluster.Coordinator nodesWithData(int nodes) {
        for (int i = 1; i <= nodes; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("big", 3);
        cluster.tenant("small", 1);
        cluster.load("big", 300);
        cluster.load("small", 200);
        return cluster.coordinator("coord-a");
    }

    /** Only an RF 1 tenant: the ranges of a node that does not answer have no other replica to stream from. */
    private ChangeCluster.Coordinator rf1NodesWithData(int nodes) {
        for (int i = 1; i <= nodes; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("small", 1);
        cluster.load("small", 200);
        return cluster.coordinator("coord-a");
    }

    @Test
    public void aDecommissionedNodeHandsEveryRangeToItsNewReplicasAndLeaves() {
        ChangeCluster.Coordinator a = nodesWithData(4);
        long epochBefore = cluster.nodes.epoch();

        var started = a.removeNode.remove(new NodeId("n2"), false);

        assertThat(started).isInstanceOf(StartOutcome.Started.class);
        TopologyChange change = ((StartOutcome.Started) started).change();
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.LEAVING);
        assertThat(((StartOutcome.Started) started).ownershipPercent())
                .as("a leaving node is still primary for its share until it has handed its ranges over").isPositive();
        assertThat(change.streams()).allSatisfy(s -> assertThat(s.sources().getFirst()).isEqualTo(new NodeId("n2")));
        cluster.runUntil(() -> !cluster.change(change.id()).inProgress(), Duration.ofSeconds(30), a);

        assertThat(cluster.change(change.id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n2").state()).as("kept for audit").isEqualTo(NodeState.LEFT);
        assertThat(cluster.nodes.epoch()).as("started, handed over, ended").isEqualTo(epochBefore + 3);
        Ring after = cluster.ring(NodeState.NORMAL);
        for (String n : List.of("n1", "n3", "n4")) {
            assertThat(cluster.keysHeldBy(n)).containsAll(cluster.keysReplicatedBy(after, n));
        }
        assertThat(a.topology.current().currentNodeCount()).isEqualTo(3);
    }

    @Test
    public void aRemovalThatWouldLeaveFewerNodesThanTheLargestReplicationFactorNeedsForce() {
        ChangeCluster.Coordinator a = nodesWithData(3);
        assertThat(a.removeNode.remove(new NodeId("n3"), false))
                .isEqualTo(new StartOutcome.TooFewNodes(new NodeId("n3"), 2, 3));
        assertThat(cluster.stored("n3").state()).isEqualTo(NodeState.NORMAL);

        assertThat(a.removeNode.remove(new NodeId("n3"), true)).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    public void aNodeThatDoesNotAnswerIsRemovedOnlyWithForceAndFromTheSurvivingReplicas() {
        ChangeCluster.Coordinator a = nodesWithData(4);
        NodeId dead = new NodeId("n2");
        cluster.health.failEveryCall(dead);
        cluster.data.failScans(dead, true);

        assertThat(a.removeNode.remove(dead, false)).isInstanceOf(StartOutcome.NodeDown.class);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.NORMAL);

        var started = (StartOutcome.Started) a.removeNode.remove(dead, true);
        TopologyChange change = started.change();
        assertThat(change.force()).isTrue();
        assertThat(change.streams()).allSatisfy(s -> assertThat(s.sources()).doesNotContain(dead));
        // only RF-1 ranges held by n2 alone have no survivor
        assertThat(change.unrecoverableRanges()).isPositive();
        cluster.runUntil(() -> !cluster.change(change.id()).inProgress(), Duration.ofSeconds(30), a);

        assertThat(cluster.change(change.id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.data.scansOpened()).noneMatch(s -> s.node().equals(dead));
        Ring after = cluster.ring(NodeState.NORMAL);
        for (ChangeCluster.StoredKey k : cluster.keys) {
            if (k.rf() == 3) {
                for (NodeId replica : after.replicasFor(k.token(), 3)) {
                    assertThat(cluster.keysHeldBy(replica.value()))
                            .contains(new io.pairdb.core.ring.KeyPosition(k.token(), k.tenant(), k.key()));
                }
            }
        }
    }

    /**
     * Found by the simulation (seed 1340236): a forced removal was asked for while its node was down
     * and committed, on a slow store, after the node had come back. A coordinator still on the epoch
     * before then acknowledged a write at {@code one} that only the node took (its key at RF 1). The
     * removal streamed from the survivors only, never from the node, and the write was lost when the
     * node left. A node that answers again before its streams start may hold writes nobody else has.
     */
    @ParameterizedTest(name = "nothing to stream: {0}")
    @ValueSource(booleans = {false, true})
    public void aForcedRemovalWhoseNodeAnswersAgainBeforeItsStreamsStartIsRolledBack(boolean onlyRf1) {
        ChangeCluster.Coordinator a = onlyRf1 ? rf1NodesWithData(4) : nodesWithData(4);
        NodeId dead = new NodeId("n2");
        cluster.health.failEveryCall(dead);
        var started = (StartOutcome.Started) a.removeNode.remove(dead, true);
        assertThat(started.change().force()).isTrue();
        // seed 29827: with only RF 1 tenants a dead node's ranges have no survivor to stream from; the removal
        // must still wait for the epoch fence and ask the node again before it ends
        assertThat(started.change().streams().isEmpty()).isEqualTo(onlyRf1);
        assertThat(started.change().inProgress()).as("not ended before every coordinator serves its epoch").isTrue();
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.LEAVING);
        // the node is back before the change's epoch is served everywhere: a coordinator one epoch behind
        // gives it a write for a key only it replicates
        cluster.health.heal(dead);
        ChangeCluster.StoredKey onlyOnN2 = cluster.keys.stream()
                .filter(k -> k.rf() == 1 && cluster.ring(NodeState.NORMAL, NodeState.LEAVING)
                        .replicasFor(k.token(), 1).equals(List.of(dead)))
                .findFirst().orElseThrow();
        Version late = Version.of("late".getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-x", 100_000), 5000L);
        cluster.data.put(dead, onlyOnN2.tenant(), onlyOnN2.key(), late);

        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);

        TopologyChange ended = cluster.change(started.change().id());
        assertThat(ended.status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(ended.error()).hasValueSatisfying(e -> assertThat(e).contains("n2 answers its health probe again")
                .contains("without --force"));
        assertThat(cluster.stored("n2").state()).as("back in the ring, with what it took meanwhile")
                .isEqualTo(NodeState.NORMAL);
        assertThat(cluster.data.held(dead).get(new KeyPosition(onlyOnN2.token(), onlyOnN2.tenant(), onlyOnN2.key()))
                .version()).isEqualTo(late);
        assertThat(a.removeNode.remove(dead, false)).as("and now removed the ordinary way, from itself")
                .isInstanceOf(StartOutcome.Started.class);
    }

    /**
     * A forced removal with nothing to stream (its node's ranges have no surviving replica) whose node
     * stays down ends the way every removal does: after the epoch fence, through the hand-over. Seed
     * 29827: a coordinator still on the epoch before may give the node writes until it serves the
     * removal's epoch, so the node does not leave while one does.
     */
    @Test
    public void aForcedRemovalWithNothingToStreamWaitsForEveryLiveCoordinatorBeforeItsNodeLeaves() {
        ChangeCluster.Coordinator a = rf1NodesWithData(4);
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        b.heartbeat();
        NodeId dead = new NodeId("n2");
        cluster.health.failEveryCall(dead);
        var started = (StartOutcome.Started) a.removeNode.remove(dead, true);
        assertThat(started.change().streams()).isEmpty();
        assertThat(started.change().unrecoverableRanges()).isPositive();

        cluster.runFor(Duration.ofSeconds(10), a);
        assertThat(cluster.change(started.change().id()).inProgress()).as("b still serves the epoch before").isTrue();
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.LEAVING);

        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> cluster.stored("n2").state() == NodeState.HANDED_OVER, Duration.ofSeconds(30), a);
        cluster.runFor(Duration.ofSeconds(10), a);
        assertThat(cluster.stored("n2").state()).as("b serves the epoch before the hand-over")
                .isEqualTo(NodeState.HANDED_OVER);

        b.topology.refresh();
        b.heartbeat();
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.LEFT);
    }

    /**
     * Once a forced removal has handed over, reads have moved off its node: a coordinator resuming the
     * change then must not roll it back because the node answers again, even when the ring it serves
     * is still the one from before the hand-over.
     */
    @Test
    public void aForcedRemovalResumedAfterItsHandOverIsNotRolledBackWhenItsNodeAnswers() {
        ChangeCluster.Coordinator a = nodesWithData(4);
        NodeId dead = new NodeId("n2");
        cluster.health.failEveryCall(dead);
        ChangeId id = ((StartOutcome.Started) a.removeNode.remove(dead, true)).change().id();
        // b serves the change's epoch, not yet the hand-over's
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        cluster.stepUntil(() -> cluster.stored("n2").state() == NodeState.HANDED_OVER, Duration.ofSeconds(30), a);
        a.scheduler.kill();
        assertThat(b.topology.current().node(dead).orElseThrow().state()).isEqualTo(NodeState.LEAVING);
        cluster.health.heal(dead);
        cluster.clock.advance(Duration.ofSeconds(31));
        assertThat(b.driver.takeOverAbandoned()).extracting(TopologyChange::id).containsExactly(id);

        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), b);

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.LEFT);
    }

    @Test
    public void aRemovalWhoseStreamsKeepFailingPutsTheNodeBackToNormal() {
        ChangeCluster.Coordinator a = nodesWithData(4);
        for (int i = 1; i <= 4; i++) {
            cluster.data.failWrites(new NodeId("n" + i), true);
        }
        var started = (StartOutcome.Started) a.removeNode.remove(new NodeId("n2"), false);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(cluster.stored("n2").state()).isEqualTo(NodeState.NORMAL);
        assertThat(a.topology.current().currentNodeCount()).isEqualTo(4);
    }

    @Test
    public void onlyANormalNodeCanBeRemoved() {
        ChangeCluster.Coordinator a = nodesWithData(4);
        assertThat(a.removeNode.remove(new NodeId("nope"), false)).isEqualTo(new StartOutcome.NodeNotFound(new NodeId("nope")));
        var started = (StartOutcome.Started) a.removeNode.remove(new NodeId("n4"), false);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(a.removeNode.remove(new NodeId("n4"), false))
                .isEqualTo(new StartOutcome.NodeNotNormal(new NodeId("n4"), NodeState.LEFT));
    }
}
