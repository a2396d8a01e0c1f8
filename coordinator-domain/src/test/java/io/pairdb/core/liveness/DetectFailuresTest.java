package io.pairdb.core.liveness;

import static io.pairdb.core.testing.CoordinatorHarness.TENANT;
import static io.pairdb.core.testing.CoordinatorHarness.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.testing.CoordinatorHarness;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.FakeStorageNodes.Kind;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Probing every node and applying the detector's verdicts to the ring this coordinator serves. */
class DetectFailuresTest {
    private record Seen(NodeId node, Liveness now) {
    }

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryTopologyStore store = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(store, clock);
    private final FakeStorageNodes storage = new FakeStorageNodes();
    private final List<Seen> transitions = new CopyOnWriteArrayList<>();
    private final List<DetectFailures.Transition> heard = new CopyOnWriteArrayList<>();
    /** The data calls each node has answered, as the replica rounds count them. */
    private final Map<NodeId, AtomicLong> answered = new ConcurrentHashMap<>();
    private DetectFailures detection;

    @BeforeEach
    void threeNodes() {
        for (int i = 1; i <= 3; i++) {
            topology.register(node(i), "10.0.0." + i, 7000, 16);
        }
        detection = new DetectFailures(topology, storage, new FailureDetector(3), scheduler, Duration.ofMillis(500), t -> {
            transitions.add(new Seen(t.node().id(), t.now()));
            heard.add(t);
        }, id -> answered.computeIfAbsent(id, n -> new AtomicLong()).get());
    }

    private Liveness served(NodeId id) {
        return topology.current().node(id).orElseThrow().liveness();
    }

    private void probeRounds(int rounds) {
        for (int i = 0; i < rounds; i++) {
            detection.probeAll();
            scheduler.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void aNodeFailingThreeProbesInARowIsServedAsDown() {
        storage.failEveryCall(node(3));

        probeRounds(2);
        assertThat(served(node(3))).isEqualTo(Liveness.UP);
        assertThat(transitions).isEmpty();

        probeRounds(1);
        assertThat(served(node(3))).isEqualTo(Liveness.DOWN);
        assertThat(served(node(1))).isEqualTo(Liveness.UP);
        assertThat(transitions).containsExactly(new Seen(node(3), Liveness.DOWN));
        assertThat(heard.getFirst().consecutiveFailures()).isEqualTo(3);
        assertThat(heard.getFirst().lastFailure()).hasValueSatisfying(why -> assertThat(why).contains("injected failure"));
        assertThat(topology.current().epoch()).as("liveness does not move the ring").isEqualTo(store.epoch());
        assertThat(store.find(node(3)).orElseThrow().liveness()).as("nothing shared is written").isEqualTo(Liveness.UP);
    }

    @Test
    void aDownNodeIsServedAsUpOnItsFirstSuccessfulProbe() {
        storage.failEveryCall(node(2));
        probeRounds(5);
        storage.heal(node(2));

        probeRounds(1);

        assertThat(served(node(2))).isEqualTo(Liveness.UP);
        assertThat(transitions).containsExactly(new Seen(node(2), Liveness.DOWN), new Seen(node(2), Liveness.UP));
    }

    @Test
    void aProbeWithoutAnswerFailsAtTheProbeTimeoutAndIsNotStackedUp() {
        storage.neverAnswer(node(1));

        detection.probeAll();
        detection.probeAll();
        assertThat(storage.callsTo(node(1))).as("one probe out at a time").hasSize(1);
        scheduler.advance(Duration.ofMillis(500));
        probeRounds(2);

        assertThat(served(node(1))).isEqualTo(Liveness.DOWN);
    }

    /** Found under overload on a saturated machine: every busy storage node was marked DOWN, and every call failed. */
    @Test
    void aProbeThatRunsOutWhileTheNodeAnswersDataCallsCountsAsASuccessNotAFailure() {
        storage.neverAnswer(node(1)); // its probes wait behind the data calls queued at the node

        for (int round = 0; round < 5; round++) {
            detection.probeAll();
            answered.computeIfAbsent(node(1), n -> new AtomicLong()).incrementAndGet(); // meanwhile a data call answered
            scheduler.advance(Duration.ofSeconds(1)); // and the probe ran out
        }

        assertThat(storage.calls(Kind.HEALTH).stream().filter(c -> c.node().equals(node(1)))).as("probed each round")
                .hasSize(5);
        assertThat(served(node(1))).as("busy, not gone").isEqualTo(Liveness.UP);
        assertThat(transitions).isEmpty();

        // once it answers nothing at all, the probes that run out mark it DOWN as before
        probeRounds(3);
        assertThat(served(node(1))).isEqualTo(Liveness.DOWN);
        assertThat(transitions).containsExactly(new Seen(node(1), Liveness.DOWN));
    }

    @Test
    void theObservedLivenessSurvivesARingChange() {
        storage.failEveryCall(node(3));
        probeRounds(3);

        topology.register(new NodeId("node-4"), "10.0.0.4", 7000, 16);

        assertThat(topology.current().nodes()).hasSize(4);
        assertThat(served(node(3))).isEqualTo(Liveness.DOWN);
    }

    @Test
    void nodesThatLeftTheRingAreNotProbed() {
        StorageNode three = store.find(node(3)).orElseThrow();
        store.update(three.withState(NodeState.LEFT, clock.now()));
        topology.reload();

        detection.probeAll();

        assertThat(storage.calls(Kind.HEALTH)).extracting(FakeStorageNodes.Call::node).containsExactlyInAnyOrder(node(1), node(2));
    }

    /** Found by the simulation (seed 68): a node removed while DOWN and added again stayed DOWN for good. */
    @Test
    void aNodeThatLeftWhileDownIsSeenUpWhenItsIdJoinsAgain() {
        storage.failEveryCall(node(3));
        probeRounds(3);
        StorageNode three = store.find(node(3)).orElseThrow();
        store.update(three.withState(NodeState.LEFT, clock.now()));
        topology.reload();
        probeRounds(1);

        storage.heal(node(3));
        store.update(three.withState(NodeState.BOOTSTRAPPING, clock.now()));
        topology.reload();
        probeRounds(2);

        assertThat(served(node(3))).as("the node answers every probe").isEqualTo(Liveness.UP);
    }

    @Test
    void aNodeMarkedDownIsHintedWithoutACallAndSkippedByReads() {
        try (CoordinatorHarness h = CoordinatorHarness.withThreeNodes()) {
            h.createTenant(3);
            h.topology().markLiveness(node(3), Liveness.DOWN);

            var written = h.write(WriteCommand.put(TENANT, "k", "v".getBytes(StandardCharsets.UTF_8), ConsistencyLevel.QUORUM));
            var read = h.read(ReadCommand.of(TENANT, "k", ConsistencyLevel.QUORUM));

            assertThat(written).isInstanceOf(WriteOutcome.Written.class);
            assertThat(read).isInstanceOf(ReadOutcome.Found.class);
            assertThat(h.storage().callsTo(node(3))).isEmpty();
            assertThat(h.hints().count(node(3))).isEqualTo(1);
            assertThat(h.read(ReadCommand.of(TENANT, "k", ConsistencyLevel.ALL)))
                    .as("ALL cannot be met with a replica DOWN").isInstanceOf(ReadOutcome.Unavailable.class);
        }
    }
}
