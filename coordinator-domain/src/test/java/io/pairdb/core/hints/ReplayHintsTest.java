package io.pairdb.core.hints;

import static io.pairdb.core.testing.CoordinatorHarness.TENANT;
import static io.pairdb.core.testing.CoordinatorHarness.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.hints.ReplayReport.Ending;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.RequestEvents;
import io.pairdb.core.tenant.TenantEvents;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.FakeStorageNodes.Kind;
import io.pairdb.core.testing.InMemoryHintStore;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.RecordingHintEvents;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.topology.ChangeEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hint replay against fake nodes, on a manual clock: every batch, pause and deadline happens
 * when the test moves time, so pacing is asserted exactly rather than by waiting.
 */
class ReplayHintsTest {
    private static final NodeId TARGET = node(3);

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryTopologyStore topologyStore = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(topologyStore, clock);
    private final InMemoryHintStore hints = new InMemoryHintStore(clock);
    private final FakeStorageNodes storage = new FakeStorageNodes();
    private final RecordingHintEvents metrics = new RecordingHintEvents();
    private final HintTally tally = new HintTally("coord-1", metrics, clock.now());
    private final HintSettings settings = HintSettings.defaults("coord-1");
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(topologyStore), topology, clock,
            TenantEvents.NONE, TenantService.Settings.defaults());
    private ReplayHints replay;

    @BeforeEach
    void threeNodes() {
        for (int i = 1; i <= 3; i++) {
            topology.register(node(i), "10.0.0." + i, 7000, 16);
        }
        tenants.create(TENANT, Optional.of(3));
        topology.reload();
        replay = replayer("coord-1");
    }

    private ReplayHints replayer(String id) {
        Environment env = new Environment(clock, scheduler, RequestEvents.NONE, CoordinatorSettings.defaults());
        HintSettings s = new HintSettings(id, settings.batchSize(), settings.batchPause(), settings.maxAttempts(),
                settings.ttl(), settings.claimLease(), settings.deliveryTimeout());
        return new ReplayHints(hints, storage, topology, tenants, tally, env, s);
    }

    private static Version version(String value, long counter) {
        return Version.of(value.getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-1", counter), 1_700_000_000_000L + counter);
    }

    private void storeHint(NodeId target, String key, Version version, Instant createdAt) {
        hints.store(Hint.forWrite(target, TENANT, key, Token.forKey(TENANT.value(), key), version, createdAt));
    }

    private void storeHints(NodeId target, int count) {
        for (int i = 0; i < count; i++) {
            storeHint(target, "k" + i, version("v" + i, i + 1), clock.now());
        }
    }

    /** n4 joins, {@code count} hints wait for the target, and the target leaves the ring. */
    private void hintsForATargetThatLeftForN4(int count) {
        topology.register(node(4), "10.0.0.4", 7000, 16);
        storeHints(TARGET, count);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEFT, clock.now()));
        topology.reload();
    }

    private List<String> keysWrittenTo(NodeId target) {
        return storage.calls(Kind.WRITE).stream().filter(c -> c.node().equals(target)).map(FakeStorageNodes.Call::key).toList();
    }

    private static ReplayReport done(CompletableFuture<ReplayReport> run) {
        assertThat(run).as("the run has ended").isDone();
        return run.join();
    }

    // ---- a node whose ranges are moving ----------------------------------------------------------

    @Test
    void hintsForALeavingNodeAlsoReachTheReplicaTakingItsRangesOver() {
        topology.register(node(4), "10.0.0.4", 7000, 16);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEAVING, clock.now()));
        topology.reload();
        storeHints(TARGET, 30);

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.ending()).isEqualTo(Ending.DRAINED);
        assertThat(hints.total()).isZero();
        TopologyView view = topology.current();
        int pendingSeen = 0;
        for (int i = 0; i < 30; i++) {
            ReplicaSets sets = view.replicasFor(Token.forKey(TENANT.value(), "k" + i), 3, 3).orElseThrow();
            pendingSeen += sets.pending().size();
            for (StorageNode n : sets.writeTargets()) {
                assertThat(storage.stored(n.id(), TENANT, "k" + i)).as("k" + i + " on " + n.id())
                        .contains(version("v" + i, i + 1));
            }
        }
        assertThat(pendingSeen).as("the leaving node's keys have a replica taking them over").isPositive();
    }

    @Test
    void aLeavingNodesHintStaysUntilTheReplicaTakingItOverHasIt() {
        topology.register(node(4), "10.0.0.4", 7000, 16);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEAVING, clock.now()));
        topology.reload();
        storeHints(TARGET, 30);
        storage.failEveryCall(node(4));

        done(replay.replay(TARGET));

        TopologyView view = topology.current();
        long onN4 = IntStream.range(0, 30).filter(i -> view.replicasFor(Token.forKey(TENANT.value(), "k" + i), 3, 3)
                .orElseThrow().writeTargets().stream().anyMatch(n -> n.id().equals(node(4)))).count();
        assertThat(onN4).isPositive();
        assertThat(hints.count(TARGET)).as("every hint whose key n4 is a write target of").isEqualTo(onN4);
        assertThat(hints.pending(TARGET, 100)).filteredOn(h -> view.replicasFor(h.token(), 3, 3).orElseThrow()
                        .writeTargets().stream().anyMatch(n -> n.id().equals(TARGET)))
                .as("n4's trouble spends none of the attempts of the hints the node still replicates").isNotEmpty()
                .allSatisfy(h -> assertThat(h.attempts()).isZero());
    }

    @Test
    void aLeavingNodesHintWaitsWhileTheReplicaTakingItOverIsDown() {
        topology.register(node(4), "10.0.0.4", 7000, 16);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEAVING, clock.now()));
        topology.reload();
        topology.markLiveness(node(4), Liveness.DOWN);
        storeHints(TARGET, 30);

        ReplayReport report = done(replay.replay(TARGET));

        TopologyView view = topology.current();
        long replicatedByTheNode = IntStream.range(0, 30).filter(i -> view.replicasFor(Token.forKey(TENANT.value(),
                "k" + i), 3, 3).orElseThrow().writeTargets().stream().anyMatch(n -> n.id().equals(TARGET))).count();
        assertThat(replicatedByTheNode).as("n4 is a write target of every key (RF 3 of 3 once n3 left)").isPositive();
        assertThat(hints.count(TARGET)).as("every hint for a key the node replicates waits for n4")
                .isEqualTo(replicatedByTheNode);
        assertThat(keysWrittenTo(node(4))).isEmpty();
        assertThat(report.ending()).isEqualTo(Ending.NO_REPLICA);
    }

    // ---- pacing and order ------------------------------------------------------------------------

    @Test
    void replaysInBatchesOfAHundredOldestFirstWithASecondBetweenBatches() {
        storeHints(TARGET, 250);

        CompletableFuture<ReplayReport> run = replay.replay(TARGET);

        assertThat(keysWrittenTo(TARGET)).hasSize(100);
        assertThat(run).isNotDone();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(keysWrittenTo(TARGET)).as("not before the pause is over").hasSize(100);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(keysWrittenTo(TARGET)).hasSize(200);
        assertThat(hints.count(TARGET)).isEqualTo(50);
        scheduler.advance(Duration.ofSeconds(1));

        ReplayReport report = done(run);
        assertThat(report.ending()).isEqualTo(Ending.DRAINED);
        assertThat(report.delivered()).isEqualTo(250);
        assertThat(report.remaining()).isEqualTo(OptionalLong.of(0));
        assertThat(keysWrittenTo(TARGET)).as("in order of creation")
                .containsExactlyElementsOf(IntStream.range(0, 250).mapToObj(i -> "k" + i).toList());
        assertThat(storage.stored(TARGET, TENANT, "k7")).contains(version("v7", 8));
        assertThat(hints.total()).isZero();
        assertThat(metrics.replayed).containsEntry(TARGET, 250L);
        assertThat(tally.of(TARGET).replayed()).isEqualTo(250);
    }

    @Test
    void theBatchSizeAndPauseAreSettings() {
        replay = new ReplayHints(hints, storage, topology, tenants, tally,
                new Environment(clock, scheduler, RequestEvents.NONE, CoordinatorSettings.defaults()),
                settings.withBatches(10, Duration.ofMillis(50)));
        storeHints(TARGET, 25);

        CompletableFuture<ReplayReport> run = replay.replay(TARGET);
        assertThat(keysWrittenTo(TARGET)).hasSize(10);
        scheduler.advance(Duration.ofMillis(100));

        assertThat(done(run).delivered()).isEqualTo(25);
    }

    @Test
    void aSecondTriggerDuringARunJoinsItInsteadOfStartingAnother() {
        storeHints(TARGET, 150);

        List<ReplayReport> ended = metrics.ended;
        CompletableFuture<ReplayReport> first = replay.replay(TARGET);
        CompletableFuture<ReplayReport> second = replay.replay(TARGET);
        assertThat(replay.replaying()).containsExactly(TARGET);
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(second).isSameAs(first);
        assertThat(done(first).delivered()).isEqualTo(150);
        assertThat(ended).as("listeners hear of the run once").containsExactly(first.join());
        assertThat(keysWrittenTo(TARGET)).hasSize(150);
        assertThat(replay.replaying()).isEmpty();
    }

    // ---- never regress -----------------------------------------------------------------------------

    @Test
    void aHintOlderThanTheValueOnTheNodeDoesNotOverwriteIt() {
        Version newer = version("newer", 2);
        storage.put(TARGET, TENANT, "k", newer);
        storeHint(TARGET, "k", version("older", 1), clock.now());

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.delivered()).as("acknowledged by the node, which ignored it").isEqualTo(1);
        assertThat(storage.stored(TARGET, TENANT, "k")).contains(newer);
        assertThat(hints.total()).isZero();
    }

    @Test
    void aHintConcurrentWithTheValueOnTheNodeIsResolvedNotBlindlyApplied() {
        Version there = Version.of("there".getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-2", 5), 1_700_000_000_500L);
        Version hinted = version("hinted", 1);
        storage.put(TARGET, TENANT, "k", there);
        storeHint(TARGET, "k", hinted, clock.now());

        done(replay.replay(TARGET));

        Version after = storage.stored(TARGET, TENANT, "k").orElseThrow();
        assertThat(after.value()).as("the later timestamp wins").isEqualTo(there.value());
        assertThat(after.clock().compare(there.clock())).isEqualTo(Causality.AFTER);
        assertThat(after.clock().compare(hinted.clock())).isEqualTo(Causality.AFTER);
    }

    // ---- failures, attempts and drops --------------------------------------------------------------

    @Test
    void aFailedDeliveryCountsAnAttemptReleasesTheHintAndEndsTheRun() {
        storeHints(TARGET, 3);
        storage.failEveryCall(TARGET);

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.ending()).isEqualTo(Ending.DELIVERY_FAILED);
        assertThat(report.failed()).isEqualTo(3);
        assertThat(report.remaining()).isEqualTo(OptionalLong.of(3));
        assertThat(hints.pending(TARGET, 10)).allSatisfy(h -> assertThat(h.attempts()).isEqualTo(1));
        assertThat(hints.claim(TARGET, 10, "coord-2", Duration.ofMinutes(1))).as("released for anyone").hasSize(3);
        assertThat(metrics.replayFailures).containsEntry(TARGET, 3L);
    }

    @Test
    void aHintIsDroppedAndCountedAfterThreeFailedAttempts() {
        storeHints(TARGET, 2);
        storage.failEveryCall(TARGET);

        assertThat(done(replay.replay(TARGET)).droppedTotal()).isZero();
        assertThat(done(replay.replay(TARGET)).droppedTotal()).isZero();
        ReplayReport third = done(replay.replay(TARGET));

        assertThat(third.dropped()).containsEntry(DropReason.MAX_ATTEMPTS, 2L);
        assertThat(third.remaining()).isEqualTo(OptionalLong.of(0));
        assertThat(hints.total()).isZero();
        assertThat(metrics.dropped(TARGET, DropReason.MAX_ATTEMPTS)).isEqualTo(2);
        assertThat(tally.of(TARGET).dropped()).containsEntry(DropReason.MAX_ATTEMPTS, 2L);
        assertThat(keysWrittenTo(TARGET)).as("three attempts each").hasSize(6);
    }

    @Test
    void aNodeThatRefusesWritesForLackOfRoomSpendsNoAttemptsAndGetsItsHintsOnceItHasRoom() {
        // a full disk: the node answers, is UP and passes its probes, and refuses every write until the operator
        // makes room, which may take longer than three replay rounds
        storeHints(TARGET, 2);
        storage.refuseWrites(TARGET);
        for (int round = 1; round <= 5; round++) {
            ReplayReport report = done(replay.replay(TARGET));
            assertThat(report.ending()).isEqualTo(Ending.DELIVERY_FAILED);
            assertThat(report.failed()).isEqualTo(2);
            assertThat(report.droppedTotal()).isZero();
            assertThat(keysWrittenTo(TARGET)).as("released at once: the next run tries them again").hasSize(2 * round);
        }
        assertThat(hints.pending(TARGET, 10)).as("no attempt spent").hasSize(2)
                .allSatisfy(h -> assertThat(h.attempts()).isZero());

        storage.heal(TARGET);
        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.ending()).isEqualTo(Ending.DRAINED);
        assertThat(report.delivered()).isEqualTo(2);
        assertThat(storage.stored(TARGET, TENANT, "k1")).contains(version("v1", 2));
    }

    @Test
    void aNodeThatNeverAnswersFailsTheDeliveryAtTheDeliveryTimeout() {
        storeHints(TARGET, 1);
        storage.neverAnswer(TARGET);

        CompletableFuture<ReplayReport> run = replay.replay(TARGET);
        assertThat(run).isNotDone();
        scheduler.advance(settings.deliveryTimeout());

        assertThat(done(run).ending()).isEqualTo(Ending.DELIVERY_FAILED);
        assertThat(hints.pending(TARGET, 1).getFirst().attempts()).isEqualTo(1);
    }

    @Test
    void aHintOlderThanTheTtlIsDroppedInsteadOfDelivered() {
        storeHint(TARGET, "ancient", version("a", 1), clock.now().minus(Duration.ofDays(8)));
        storeHint(TARGET, "fresh", version("f", 2), clock.now().minus(Duration.ofDays(6)));

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.dropped()).containsEntry(DropReason.EXPIRED, 1L);
        assertThat(report.delivered()).isEqualTo(1);
        assertThat(keysWrittenTo(TARGET)).containsExactly("fresh");
        assertThat(metrics.dropped(TARGET, DropReason.EXPIRED)).isEqualTo(1);
    }

    @Test
    void theExpirySweepDropsOldHintsOfEveryNodeAndCountsThem() {
        storeHint(node(1), "a", version("a", 1), clock.now().minus(Duration.ofDays(8)));
        storeHint(TARGET, "b", version("b", 2), clock.now().minus(Duration.ofDays(7)).minusSeconds(1));
        storeHint(TARGET, "c", version("c", 3), clock.now().minus(Duration.ofDays(1)));
        topology.markLiveness(TARGET, Liveness.DOWN);

        var dropped = new ExpireHints(hints, tally, clock, settings.ttl()).expire();

        assertThat(dropped).containsEntry(node(1), 1L).containsEntry(TARGET, 1L);
        assertThat(hints.pending(TARGET, 10)).extracting(Hint::key).containsExactly("c");
        assertThat(tally.of(TARGET).dropped()).containsEntry(DropReason.EXPIRED, 1L);
        assertThat(metrics.dropped(node(1), DropReason.EXPIRED)).isEqualTo(1);
    }

    @Test
    void theExpirySweepGoesOnBatchByBatchUntilEveryOldHintIsGone() {
        int old = ExpireHints.BATCH + 7;
        for (int i = 0; i < old; i++) {
            storeHint(TARGET, "k" + i, version("v", 1), clock.now().minus(Duration.ofDays(8)));
        }

        var dropped = new ExpireHints(hints, tally, clock, settings.ttl()).expire();

        assertThat(dropped).containsEntry(TARGET, (long) old);
        assertThat(hints.count(TARGET)).isZero();
        assertThat(tally.of(TARGET).dropped()).containsEntry(DropReason.EXPIRED, (long) old);
    }

    // ---- which nodes ------------------------------------------------------------------------------

    @Test
    void anOperatorsReplayIsRefusedForANodeOutsideTheRingAndForOneMarkedDown() {
        storeHints(TARGET, 5);
        assertThat(replay.request(new NodeId("node-9"))).isEqualTo(new ReplayHints.Request.NodeNotFound(new NodeId("node-9")));

        topology.markLiveness(TARGET, Liveness.DOWN);
        assertThat(replay.request(TARGET)).isEqualTo(new ReplayHints.Request.NodeDown(TARGET));
        assertThat(storage.calls()).isEmpty();

        topology.markLiveness(TARGET, Liveness.UP);
        assertThat(replay.request(TARGET)).isInstanceOfSatisfying(ReplayHints.Request.Started.class,
                started -> assertThat(done(started.report()).delivered()).isEqualTo(5));
    }

    @Test
    void hintsForANodeMarkedDownWaitUntilItIsUp() {
        storeHints(TARGET, 5);
        topology.markLiveness(TARGET, Liveness.DOWN);

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.ending()).isEqualTo(Ending.NODE_DOWN);
        assertThat(report.remaining()).isEqualTo(OptionalLong.of(5));
        assertThat(storage.calls()).isEmpty();

        topology.markLiveness(TARGET, Liveness.UP);
        assertThat(done(replay.replay(TARGET)).delivered()).isEqualTo(5);
    }

    @Test
    void hintsForANodeThatLeftTheRingAreHandedToTheirKeysCurrentReplicas() {
        // the hint may be the last copy of an acknowledged write (the replica that took the write lost
        // its disk, and the node was then removed by force): dropping it would lose the write
        hintsForATargetThatLeftForN4(3);

        ReplayReport report = done(replay.replay(TARGET));

        for (int i = 0; i < 3; i++) {
            for (NodeId replica : List.of(node(1), node(2), node(4))) {
                assertThat(storage.stored(replica, TENANT, "k" + i)).as("k%d on %s", i, replica)
                        .contains(version("v" + i, i + 1));
            }
        }
        assertThat(keysWrittenTo(TARGET)).isEmpty();
        assertThat(report.delivered()).isEqualTo(3);
        assertThat(report.droppedTotal()).isZero();
        assertThat(hints.total()).isZero();
    }

    @Test
    void aHandedOverHintSpendsNoAttemptOnlyWhenEveryReplicaThatFailedRefusedForLackOfRoom() {
        hintsForATargetThatLeftForN4(2);

        storage.refuseWrites(node(4));
        done(replay.replay(TARGET));
        assertThat(hints.pending(TARGET, 10)).as("refused only: no attempt").allSatisfy(h -> assertThat(h.attempts()).isZero());

        storage.failEveryCall(node(1));
        done(replay.replay(TARGET));
        assertThat(hints.pending(TARGET, 10)).as("one replica unreachable: an attempt")
                .allSatisfy(h -> assertThat(h.attempts()).isEqualTo(1));
    }

    @Test
    void aHandedOverHintWhoseReplicasCannotTakeItWaitsForTheNextRun() {
        hintsForATargetThatLeftForN4(3);
        storage.failEveryCall(node(4));

        ReplayReport failed = done(replay.replay(TARGET));

        assertThat(failed.ending()).isEqualTo(Ending.DELIVERY_FAILED);
        assertThat(failed.droppedTotal()).isZero();
        assertThat(hints.total()).as("kept for the next run").isEqualTo(3);

        storage.heal(node(4));
        ReplayReport report = done(replay.replay(TARGET));
        assertThat(report.delivered()).isEqualTo(3);
        assertThat(storage.stored(node(4), TENANT, "k0")).contains(version("v0", 1));
        assertThat(hints.total()).isZero();
    }

    /**
     * The node was removed by force and left fewer nodes than the tenant's RF (or every other replica
     * is down): no replica can take its hints now. They may be the last copies of acknowledged writes,
     * so they wait, spending no attempt, until a replica can (a node added, one back up) or their TTL.
     */
    @Test
    void handedOverHintsThatNoReplicaCanTakeNowSpendNoAttemptAndWait() {
        storeHints(TARGET, 2);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEFT, clock.now()));
        topology.reload();

        for (int run = 0; run < settings.maxAttempts() + 1; run++) {
            ReplayReport report = done(replay.replay(TARGET));
            assertThat(report.droppedTotal()).as("run %d", run).isZero();
            assertThat(report.ending()).as("run %d", run).isEqualTo(Ending.NO_REPLICA);
            assertThat(report.failed()).as("run %d", run).isZero();
            scheduler.advance(settings.claimLease());
        }

        assertThat(hints.pending(TARGET, 10)).hasSize(2).allSatisfy(h -> assertThat(h.attempts()).isZero());
    }

    /**
     * More waiting hints than one lease covers: the first batch's claim runs out while the run goes
     * through the rest, and the run claims it again. It must end there, not go round until the TTL.
     */
    @Test
    void aRunThatComesRoundToTheHintsItLeftWaitingEnds() {
        storeHints(TARGET, 4);
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEFT, clock.now()));
        topology.reload();
        Environment env = new Environment(clock, scheduler, RequestEvents.NONE, CoordinatorSettings.defaults());
        ReplayHints oneAtATime = new ReplayHints(hints, storage, topology, tenants, tally, env, new HintSettings("coord-1",
                1, Duration.ofSeconds(1), settings.maxAttempts(), settings.ttl(), Duration.ofSeconds(2),
                Duration.ofSeconds(1)));

        CompletableFuture<ReplayReport> run = oneAtATime.replay(TARGET);
        for (int second = 0; second < 30 && !run.isDone(); second++) {
            scheduler.advance(Duration.ofSeconds(1));
        }

        ReplayReport report = done(run);
        assertThat(report.ending()).isEqualTo(Ending.NO_REPLICA);
        assertThat(hints.pending(TARGET, 10)).hasSize(4).allSatisfy(h -> assertThat(h.attempts()).isZero());
    }

    /** Hints that wait for a replica stay claimed a while, so the ones behind them are not held up. */
    @Test
    void handedOverHintsThatNoReplicaCanTakeDoNotHoldUpTheOnesBehindThem() {
        TenantId small = new TenantId("small");
        tenants.create(small, Optional.of(2));
        storeHints(TARGET, 2);
        hints.store(Hint.forWrite(TARGET, small, "s", Token.forKey(small.value(), "s"), version("vs", 9), clock.now()));
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEFT, clock.now()));
        topology.reload();
        Environment env = new Environment(clock, scheduler, RequestEvents.NONE, CoordinatorSettings.defaults());
        ReplayHints byTwos = new ReplayHints(hints, storage, topology, tenants, tally, env, new HintSettings("coord-1",
                2, settings.batchPause(), settings.maxAttempts(), settings.ttl(), settings.claimLease(),
                settings.deliveryTimeout()));

        CompletableFuture<ReplayReport> run = byTwos.replay(TARGET);
        scheduler.advance(settings.batchPause());
        ReplayReport report = done(run);

        assertThat(report.delivered()).as("the RF 2 tenant's hint, behind two that wait").isEqualTo(1);
        assertThat(storage.stored(node(1), small, "s")).contains(version("vs", 9));
        assertThat(report.ending()).isEqualTo(Ending.NO_REPLICA);
        assertThat(hints.total()).isEqualTo(2);
    }

    @Test
    void hintsForANodeThatNoLongerReplicatesTheirKeyGoToTheKeysCurrentReplicasInstead() {
        // a fourth node joined: for some keys node 3 is no replica any more, its copy was moved (and cleaned up)
        topology.register(node(4), "10.0.0.4", 7000, 16);
        List<String> moved = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; moved.size() < 5 || kept.size() < 5; i++) {
            String key = "k" + i;
            boolean replica = topology.current().replicasFor(Token.forKey(TENANT.value(), key), 3).orElseThrow()
                    .writeTargets().stream().anyMatch(n -> n.id().equals(TARGET));
            if (replica && kept.size() < 5) {
                kept.add(key);
                storeHint(TARGET, key, version("v" + i, i + 1), clock.now());
            } else if (!replica && moved.size() < 5) {
                moved.add(key);
                storeHint(TARGET, key, version("v" + i, i + 1), clock.now());
            }
        }

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(keysWrittenTo(TARGET)).as("a replayed hint would bring an old value back where the key was moved away")
                .containsExactlyInAnyOrderElementsOf(kept);
        for (String key : moved) {
            // the moved key's range streamed from node 3, which had missed this version: only the hint has it
            List<NodeId> replicas = topology.current().replicasFor(Token.forKey(TENANT.value(), key), 3).orElseThrow()
                    .writeTargets().stream().map(n -> n.id()).toList();
            for (NodeId replica : replicas) {
                assertThat(storage.stored(replica, TENANT, key)).as("%s on %s", key, replica).isPresent();
            }
        }
        assertThat(report.delivered()).isEqualTo(10);
        assertThat(report.droppedTotal()).isZero();
        assertThat(hints.total()).isZero();
    }

    @Test
    void theSafetyNetReplaysEveryUpNodeThatHasHints() {
        storeHints(node(1), 2);
        storeHints(TARGET, 3);
        topology.markLiveness(TARGET, Liveness.DOWN);

        List<ReplayReport> reports = replay.replayPending(id -> true).join();

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo(node(1));
            assertThat(r.delivered()).isEqualTo(2);
        });
        assertThat(hints.count(TARGET)).isEqualTo(3);
    }

    @Test
    void theSafetyNetLeavesANodeThatIsFailingButNotYetDownAlone() {
        storeHints(TARGET, 3);
        storage.failEveryCall(TARGET);

        assertThat(replay.replayPending(id -> !id.equals(TARGET)).join()).isEmpty();

        assertThat(storage.calls()).isEmpty();
        assertThat(hints.pending(TARGET, 10)).as("no attempt spent").allSatisfy(h -> assertThat(h.attempts()).isZero());
    }

    @Test
    void anUnreachableHintStoreEndsTheRunAndSaysSo() {
        storeHints(TARGET, 3);
        hints.failEveryCall(true);

        ReplayReport report = done(replay.replay(TARGET));

        assertThat(report.ending()).isEqualTo(Ending.STORE_UNAVAILABLE);
        assertThat(report.remaining()).isEmpty();
        assertThat(replay.replaying()).as("a later trigger can start a new run").isEmpty();
    }

    @Test
    void twoReplayersOverOneStoreDeliverEachHintOnce() {
        storeHints(TARGET, 450);
        ReplayHints other = replayer("coord-2");

        CompletableFuture<ReplayReport> mine = replay.replay(TARGET);
        CompletableFuture<ReplayReport> theirs = other.replay(TARGET);
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(done(mine).delivered() + done(theirs).delivered()).isEqualTo(450);
        assertThat(keysWrittenTo(TARGET)).hasSize(450).doesNotHaveDuplicates();
    }

    // ---- the report --------------------------------------------------------------------------------

    @Test
    void theReportShowsEveryRingNodeWithWhatWaitsAndWhatWasDoneSinceStart() {
        storeHints(TARGET, 2);
        storeHint(node(1), "old", version("o", 1), clock.now().minus(Duration.ofDays(8)));
        storeHint(node(1), "a", version("a", 2), clock.now().minusSeconds(30));
        done(replay.replay(node(1)));
        topology.markLiveness(TARGET, Liveness.DOWN);
        clock.advance(Duration.ofSeconds(90));

        HintReport report = new DescribeHints(hints, topology, tally, metrics, clock).describe();

        assertThat(report.nodes()).extracting(HintReport.NodeHints::target).containsExactly(node(1), node(2), TARGET);
        HintReport.NodeHints three = report.node(TARGET).orElseThrow();
        assertThat(three.pending()).isEqualTo(2);
        assertThat(three.liveness()).contains(Liveness.DOWN);
        assertThat(three.oldestAge(report.takenAt())).contains(Duration.ofSeconds(90));
        HintReport.NodeHints one = report.node(node(1)).orElseThrow();
        assertThat(one.pending()).isZero();
        assertThat(one.oldestCreatedAt()).isEmpty();
        assertThat(one.sinceStart().replayed()).isEqualTo(1);
        assertThat(one.sinceStart().dropped()).containsEntry(DropReason.EXPIRED, 1L);
        assertThat(metrics.pending).containsEntry(TARGET, 2L).containsEntry(node(1), 0L).containsEntry(node(2), 0L);
        assertThat(metrics.oldestPending).containsEntry(TARGET, Optional.of(Duration.ofSeconds(90)))
                .containsEntry(node(1), Optional.empty());
    }
    // ---- replayed at once: a node seen UP again, a removal completed ---------------------------------

    private TopologyChange change(ChangeType type, ChangeStatus status) {
        return new TopologyChange(new ChangeId("c-e9"), type, TARGET, status, 9, false, 0, List.of(), clock.now(),
                clock.now(), status.isFinal() ? Optional.of(clock.now()) : Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private ImmediateReplay immediate(List<Object> runsEnded) {
        return new ImmediateReplay(replay, (report, error) -> runsEnded.add(error == null ? report : error));
    }

    /** A fourth node, and three hints for {@link #TARGET}; the hints' keys are on n4 once TARGET has left. */
    private void fourNodesWithThreeHints() {
        topology.register(node(4), "10.0.0.4", 7000, 16);
        topology.reload();
        storeHints(TARGET, 3);
    }

    private ReplayHintsWhenNodesLeave onLeaving(List<TopologyChange> passedOn, List<Object> runsEnded) {
        return new ReplayHintsWhenNodesLeave(new ChangeEventsThatRecordEndings(passedOn), immediate(runsEnded));
    }

    @Test
    void aRemovalThatCompletedHandsTheNodesHintsToItsKeysReplicasAtOnce() {
        fourNodesWithThreeHints();
        List<TopologyChange> passedOn = new ArrayList<>();
        List<Object> runsEnded = new ArrayList<>();
        topologyStore.update(topologyStore.find(TARGET).orElseThrow().withState(NodeState.LEFT, clock.now()));
        topology.reload();

        onLeaving(passedOn, runsEnded).ended(change(ChangeType.REMOVE_NODE, ChangeStatus.COMPLETED));

        assertThat(passedOn).as("the log and meters still hear of it").hasSize(1);
        assertThat(hints.total()).as("handed over, not left for the periodic pass").isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(storage.stored(node(4), TENANT, "k" + i)).as("k%d on n4", i).isPresent();
        }
        assertThat(runsEnded).singleElement().isInstanceOf(ReplayReport.class);
    }

    @Test
    void otherEndingsLeaveTheHintsForTheNode() {
        fourNodesWithThreeHints();
        List<TopologyChange> passedOn = new ArrayList<>();
        List<Object> runsEnded = new ArrayList<>();
        ReplayHintsWhenNodesLeave events = onLeaving(passedOn, runsEnded);

        events.ended(change(ChangeType.REMOVE_NODE, ChangeStatus.FAILED));
        events.ended(change(ChangeType.ADD_NODE, ChangeStatus.COMPLETED));
        events.started(change(ChangeType.REMOVE_NODE, ChangeStatus.IN_PROGRESS));

        assertThat(passedOn).hasSize(2);
        assertThat(hints.total()).isEqualTo(3);
        assertThat(runsEnded).isEmpty();
    }

    @Test
    void aNodeSeenUpAgainHasItsHintsReplayedAtOnceAndOneSeenDownDoesNot() {
        fourNodesWithThreeHints();
        List<DetectFailures.Transition> logged = new ArrayList<>();
        List<Object> runsEnded = new ArrayList<>();
        var events = new ReplayHintsWhenNodesReturn(logged::add, immediate(runsEnded));
        var target = topology.current().node(TARGET).orElseThrow();

        events.changed(new DetectFailures.Transition(target, Liveness.DOWN, 3, Optional.of("timed out")));
        assertThat(hints.total()).isEqualTo(3);

        events.changed(new DetectFailures.Transition(target, Liveness.UP, 0, Optional.empty()));
        assertThat(logged).extracting(DetectFailures.Transition::now).containsExactly(Liveness.DOWN, Liveness.UP);
        assertThat(hints.total()).isZero();
        assertThat(runsEnded).singleElement().isInstanceOf(ReplayReport.class);
        assertThat(((ReplayReport) runsEnded.getFirst()).delivered()).as("to the node, or to the key's replicas where"
                + " it no longer replicates the key (four nodes, RF 3)").isEqualTo(3);
    }

    /** Records the endings passed on; reports nothing else. */
    private static final class ChangeEventsThatRecordEndings implements ChangeEvents {
        private final List<TopologyChange> ended;

        ChangeEventsThatRecordEndings(List<TopologyChange> ended) {
            this.ended = ended;
        }

        @Override
        public void ended(TopologyChange change) {
            ended.add(change);
        }

        @Override
        public void started(TopologyChange change) {
        }

        @Override
        public void resumed(TopologyChange change) {
        }

        @Override
        public void awaitingEpoch(TopologyChange change, long epoch,
                                  List<io.pairdb.core.port.CoordinatorRegistry.Member> behind) {
        }

        @Override
        public void fenced(TopologyChange change) {
        }

        @Override
        public void streamProgressed(TopologyChange change, io.pairdb.core.topology.RangeStream before,
                                     io.pairdb.core.topology.RangeStream after) {
        }

        @Override
        public void streamFailed(TopologyChange change, io.pairdb.core.topology.RangeStream stream, String error,
                                 java.time.Duration retryIn) {
        }

        @Override
        public void streamLost(TopologyChange change, io.pairdb.core.topology.RangeStream stream, String why) {
        }

        @Override
        public void handedOver(TopologyChange change, long epoch) {
        }

        @Override
        public void leaseLost(ChangeId change) {
        }

        @Override
        public void stepFailed(ChangeId change, RuntimeException error) {
        }
    }
}
