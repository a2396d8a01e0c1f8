package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.PairDbException;
import io.pairdb.core.PermanentFailureException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.testing.InMemoryStorageRanges.ScanOpened;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leases, checkpoints and takeover: a change outlives the coordinator that drives it. */
class DriveChangeTest {
    private final ChangeCluster cluster = new ChangeCluster();

    private ChangeCluster.Coordinator threeNodesWithData() {
        return threeNodesWithData(ChangeCluster.settings("coord-a"));
    }

    private ChangeCluster.Coordinator threeNodesWithData(ChangeSettings settings) {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("big", 3);
        cluster.load("big", 600);
        return cluster.coordinator(settings);
    }

    /** Adds n4 and drives the change until its hand-over: every stream copied, reads moved to n4, not ended. */
    private ChangeId addN4UntilItsHandOver(ChangeCluster.Coordinator a) {
        ChangeId id = a.add("n4", 16).change().id();
        cluster.stepUntil(() -> cluster.stored("n4").state() == NodeState.BOOTSTRAPPED, Duration.ofSeconds(30), a);
        return id;
    }

    /**
     * The settle delay lets writes begun under the epoch before end before streaming starts: it runs
     * from when the fence was seen passed, not from before a registry read that was slow to answer.
     */
    @Test
    public void theSettleDelayRunsFromWhenTheFenceCheckAnswered() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        a.add("n4", 16);
        Instant[] answered = new Instant[1];
        cluster.registry.beforeNextLive(() -> {
            cluster.clock.advance(Duration.ofSeconds(3));
            answered[0] = cluster.clock.now();
        });

        cluster.stepUntil(() -> !cluster.data.scansOpened().isEmpty(), Duration.ofSeconds(30), a);

        assertThat(answered[0]).as("the fence was checked").isNotNull();
        assertThat(cluster.clock.now()).as("first scan")
                .isAfterOrEqualTo(answered[0].plus(ChangeCluster.settings("coord-a").coordination().settleDelay()));
    }

    @Test
    public void anotherCoordinatorResumesFromTheLastCheckpointWithoutCopyingAgain() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        var started = a.add("n4", 16);
        // past the fence and the settle delay, then some batches, each checkpointed
        cluster.stepUntil(() -> cluster.change(started.change().id()).totals().keys() >= 150, Duration.ofSeconds(5), a);
        TopologyChange partway = cluster.change(started.change().id());
        long copiedBeforeTheCrash = partway.totals().keys();
        assertThat(copiedBeforeTheCrash).isPositive();
        assertThat(partway.totals().done()).isLessThan(partway.totals().streams());
        assertThat(partway.streams()).as("streams finished, and ones checkpointed part of the way")
                .anyMatch(RangeStream::isDone).anyMatch(s -> !s.isDone() && s.after().isPresent());
        a.scheduler.kill();

        assertThat(b.driver.takeOverAbandoned()).as("the lease is still a's").isEmpty();
        cluster.clock.advance(Duration.ofSeconds(31));
        assertThat(b.driver.takeOverAbandoned()).extracting(TopologyChange::id).containsExactly(started.change().id());
        int scansBefore = cluster.data.scansOpened().size();
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), b);

        TopologyChange done = cluster.change(started.change().id());
        assertThat(done.status()).isEqualTo(ChangeStatus.COMPLETED);
        var expected = cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4");
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(expected);
        assertThat(cluster.data.entriesWritten(new NodeId("n4"))).as("nothing copied twice").isEqualTo(expected.size());
        assertThat(done.totals().keys()).isEqualTo(expected.size());
        // b never rescanned a finished stream, and resumed the unfinished one after its checkpoint
        List<ScanOpened> byB = cluster.data.scansOpened().subList(scansBefore, cluster.data.scansOpened().size());
        for (RangeStream s : partway.streams()) {
            if (s.isDone()) {
                assertThat(byB).noneMatch(scan -> scan.range().equals(s.range()));
            } else if (s.after().isPresent()) {
                assertThat(byB).filteredOn(scan -> scan.range().equals(s.range())).first()
                        .satisfies(scan -> assertThat(scan.after()).isEqualTo(s.after()));
            }
        }
        assertThat(b.events).contains("resumed " + done.id(), "ended " + done.id() + " COMPLETED");
    }

    /**
     * Found by the simulation (seed 31350 with purges on): a driver that handed over and died before its
     * next checkpoint left progress saved from before some streams finished. The coordinator resuming
     * it streamed those again and, with their source down for longer than the stream failure timeout,
     * failed the change after its reads had moved: the removed node, wiped meanwhile, was the only
     * replica again.
     */
    @Test
    public void aHandOverSavesTheStreamsFirstSoACoordinatorResumingItNeitherCopiesAgainNorFailsTheChange() {
        ChangeSettings rarely = ChangeCluster.settings("coord-a");
        rarely = rarely.withStreaming(rarely.streaming().withCheckpointInterval(Duration.ofHours(1)));
        ChangeCluster.Coordinator a = threeNodesWithData(rarely);
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        ChangeId id = addN4UntilItsHandOver(a);
        a.scheduler.kill();

        assertThat(cluster.change(id).streams()).as("the progress saved with the hand-over").isNotEmpty()
                .allMatch(RangeStream::isDone);
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), true);
        }
        int scansBefore = cluster.data.scansOpened().size();
        cluster.clock.advance(Duration.ofSeconds(31));
        assertThat(b.driver.takeOverAbandoned()).extracting(TopologyChange::id).containsExactly(id);
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(120), b);

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.data.scansOpened()).as("no range read again").hasSize(scansBefore);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4"));
    }

    @Test
    public void aFailingSourceHoldsUpOnlyItsOwnStreamsAndTheChangeCompletesOnceItRecovers() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        NodeId failing = new NodeId("n1");
        cluster.data.failScans(failing, true);
        ChangeId id = a.add("n4", 16).change().id();

        cluster.runFor(Duration.ofSeconds(15), a);

        TopologyChange meanwhile = cluster.change(id);
        assertThat(meanwhile.inProgress()).isTrue();
        assertThat(meanwhile.streams()).filteredOn(s -> !s.sources().contains(failing)).isNotEmpty()
                .as("the streams from the other sources went on").allMatch(RangeStream::isDone);
        assertThat(meanwhile.streams()).filteredOn(s -> s.sources().equals(List.of(failing))).isNotEmpty()
                .noneMatch(RangeStream::isDone);

        cluster.data.failScans(failing, false);
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4"));
    }

    @Test
    public void aJoiningNodeThatLosesItsDataAfterItsStreamsIsGivenThemAgainBeforeTheChangeEnds() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        // every stream copied and reads moved to n4, but the change has not ended: n4 loses its disk
        ChangeId id = addN4UntilItsHandOver(a);
        var expected = cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL, NodeState.BOOTSTRAPPED), "n4");
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(expected).isNotEmpty();
        cluster.data.wipe(new NodeId("n4"));

        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.keysHeldBy("n4")).as("once the change ended, its former replicas are no longer read")
                .isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4"));
    }

    /**
     * A joining node that stops answering once its streams are copied, before the hand-over: whether it
     * still holds them cannot be confirmed, and the change must not wait for it for ever (nothing else
     * could end it: the node cannot be removed while it is the change's target). Past the stream failure
     * timeout the change fails, as a stream failing that long does, and is rolled back.
     */
    @Test
    public void aTargetThatStopsAnsweringBeforeTheHandOverFailsTheChangeAfterTheStreamFailureTimeout() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        TopologyChange started = a.add("n4", 16).change();
        ChangeId id = started.id();
        // each stream asks n4 for its data id as it starts; n4 answers those, and no more
        cluster.data.failDataIdsAfter(new NodeId("n4"), started.streams().size());

        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofMinutes(5), a);

        TopologyChange failed = cluster.change(id);
        assertThat(failed.streams()).as("every stream was copied").allMatch(RangeStream::isDone);
        assertThat(failed.status()).as(failed.toString()).isEqualTo(ChangeStatus.FAILED);
        assertThat(failed.error().orElseThrow()).contains("n4").contains("did not answer");
        assertThat(cluster.stored("n4").state()).as("rolled back").isEqualTo(NodeState.LEFT);
    }

    /**
     * A coordinator resuming a change after its hand-over waits for the change's epoch to be served
     * again; one coordinator still behind it past the epoch wait timeout must not fail (roll back) a
     * change whose reads already moved.
     */
    @Test
    public void aChangeResumedAfterItsHandOverWaitsForALaggingCoordinatorInsteadOfFailing() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        ChangeId id = addN4UntilItsHandOver(a);
        a.scheduler.kill();
        long behind = cluster.change(id).ringEpoch() - 1;
        cluster.registry.heartbeat("coord-z", behind);
        cluster.clock.advance(Duration.ofSeconds(31));
        cluster.registry.heartbeat("coord-z", behind);
        assertThat(b.driver.takeOverAbandoned()).extracting(TopologyChange::id).containsExactly(id);

        for (int i = 0; i < 15; i++) { // 75 s, past the 60 s epoch wait timeout
            cluster.registry.heartbeat("coord-z", behind);
            cluster.runFor(Duration.ofSeconds(5), b);
        }

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.IN_PROGRESS);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.BOOTSTRAPPED);
        cluster.registry.leave("coord-z");
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), b);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    /**
     * Once reads moved (the hand-over), rolling the change back is the hazard the hand-over fence avoids:
     * a range copied again after it (its target lost its disk) whose sources fail for longer than the
     * stream failure timeout is retried until they answer, not failed.
     */
    @Test
    public void aRangeCopiedAgainAfterTheHandOverKeepsBeingRetriedInsteadOfRollingTheChangeBack() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeId id = addN4UntilItsHandOver(a);
        var expected = cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL, NodeState.BOOTSTRAPPED), "n4");
        cluster.data.wipe(new NodeId("n4"));
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), true);
        }

        cluster.runFor(Duration.ofSeconds(90), a);

        assertThat(cluster.change(id).status()).as("well past the stream failure timeout").isEqualTo(ChangeStatus.IN_PROGRESS);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.BOOTSTRAPPED);
        for (int i = 1; i <= 3; i++) {
            cluster.data.failScans(new NodeId("n" + i), false);
        }
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(expected);
    }

    @Test
    public void aJoiningNodeThatLosesWritesItTookAfterAnEmptyStreamIsGivenThemAgainBeforeTheChangeEnds() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        cluster.tenant("late", 1);
        ChangeId id = a.add("n4", 16).change().id();
        // the RF 1 tenant's streams find nothing to copy; its first writes come after them, to the
        // replicas and (as a pending replica) to n4, which then loses its disk before the change ends
        cluster.stepUntil(() -> cluster.stored("n4").state() == NodeState.BOOTSTRAPPED, Duration.ofSeconds(30), a);
        cluster.load("late", 200);
        Ring future = cluster.ring(NodeState.NORMAL, NodeState.BOOTSTRAPPED);
        cluster.copyTo("n4", future);
        var expected = cluster.keysReplicatedBy(future, "n4");
        assertThat(expected).anyMatch(k -> k.tenant().value().equals("late"));
        cluster.data.wipe(new NodeId("n4"));

        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);

        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(expected);
    }

    @Test
    public void readsMoveOnlyToAJoiningNodeThatStillHoldsWhatWasStreamedToIt() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeId id = a.add("n4", 16).change().id();
        // some streams copied, the hand-over not begun: n4 loses its disk
        cluster.stepUntil(() -> a.progress.get(2) >= 3, Duration.ofSeconds(30), a);
        assertThat(cluster.stored("n4").state()).isEqualTo(NodeState.BOOTSTRAPPING);
        cluster.data.wipe(new NodeId("n4"));

        cluster.stepUntil(() -> cluster.stored("n4").state() == NodeState.BOOTSTRAPPED, Duration.ofSeconds(30), a);

        assertThat(cluster.keysHeldBy("n4"))
                .isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL, NodeState.BOOTSTRAPPED), "n4"));
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    @Test
    public void progressEventsAddUpToWhatTheChangeCopied() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        var started = a.add("n4", 16);
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a);

        TopologyChange.Totals totals = cluster.change(started.change().id()).totals();
        assertThat(totals.keys()).isPositive();
        assertThat(a.progress.get(0)).as("keys").isEqualTo(totals.keys());
        assertThat(a.progress.get(1)).as("bytes").isEqualTo(totals.bytes()).isPositive();
        assertThat(a.progress.get(2)).as("ranges finished").isEqualTo(totals.streams());
    }

    @Test
    public void aDriverThatLostItsLeaseStopsAtItsNextWrite() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        var started = a.add("n4", 16);
        cluster.stepUntil(() -> cluster.change(started.change().id()).totals().keys() >= 150, Duration.ofSeconds(5), a);
        // a stalls (a long pause) while its lease runs out and b takes the change over
        cluster.clock.advance(Duration.ofSeconds(31));
        assertThat(b.driver.takeOverAbandoned()).hasSize(1);

        cluster.runUntil(() -> a.driver.driving().isEmpty(), Duration.ofSeconds(5), a);
        assertThat(a.events).contains("lease lost " + started.change().id());
        cluster.runUntil(() -> !cluster.change(started.change().id()).inProgress(), Duration.ofSeconds(30), a, b);
        assertThat(cluster.change(started.change().id()).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(a.events).noneMatch(e -> e.startsWith("ended"));
    }

    @Test
    public void aStepFailingWithAnErrorRetryingCannotFixFailsTheChangeAndRollsItBack() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        var started = a.add("n4", 16);
        ChangeId id = started.change().id();
        cluster.stepUntil(() -> cluster.change(id).totals().keys() >= 150, Duration.ofSeconds(5), a);
        long saved = cluster.change(id).totals().keys();
        cluster.changes.failCheckpoints(new PermanentFailureException("change " + id,
                "could not checkpoint change " + id + ": unsupported Unicode escape sequence", null));

        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(30), a);

        TopologyChange failed = cluster.change(id);
        assertThat(failed.status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(failed.error().orElseThrow()).contains("unsupported Unicode escape sequence");
        assertThat(cluster.stored("n4").state()).as("rolled back").isEqualTo(NodeState.LEFT);
        assertThat(failed.totals().keys()).as("the progress last saved").isEqualTo(saved);
        assertThat(a.driver.driving()).isEmpty();
    }

    /** Once reads moved to the new node, rolling the change back could hide writes only it and one other took. */
    @Test
    public void anErrorRetryingCannotFixAfterTheHandOverDoesNotRollTheChangeBack() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        ChangeId id = addN4UntilItsHandOver(a);
        PermanentFailureException failure = new PermanentFailureException("change " + id,
                "could not finish change " + id + ": unsupported Unicode escape sequence", null);
        cluster.changes.failCompletions(failure);

        cluster.runFor(Duration.ofSeconds(40), a);

        assertThat(a.events).as("the failure was met").anyMatch(e -> e.startsWith("step failed"));
        assertThat(cluster.change(id).status()).isNotEqualTo(ChangeStatus.FAILED);
        assertThat(cluster.stored("n4").state()).as("not rolled back").isNotEqualTo(NodeState.LEFT);
        cluster.changes.failCompletions(null);
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(60), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    @Test
    public void aStoreThatCannotBeReachedIsRetriedWithoutFailingTheChange() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        var started = a.add("n4", 16);
        ChangeId id = started.change().id();
        cluster.stepUntil(() -> cluster.change(id).totals().keys() >= 150, Duration.ofSeconds(5), a);
        cluster.changes.failCheckpoints(new PairDbException("change " + id, "connection refused"));
        cluster.runFor(Duration.ofSeconds(10), a);
        assertThat(cluster.change(id).inProgress()).isTrue();

        cluster.changes.failCheckpoints(null);
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    /** Steps the coordinator on a thread of its own until one of its batch writes blocks. */
    private Thread stepUntilAWriteBlocks(ChangeCluster.Coordinator c) {
        int before = cluster.data.blockedWrites();
        Thread stepping = Thread.ofPlatform().name("stepping").start(() -> {
            while (cluster.data.blockedWrites() == before && c.scheduler.runOne()) {
                // the step that writes blocks inside the call
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.data.blockedWrites() > before);
        return stepping;
    }

    /** Moves time forward, running on this thread whatever else the coordinator has due (its renewals). */
    private void passWhileAStepRuns(Duration time, ChangeCluster.Coordinator c) {
        for (long ms = 0; ms < time.toMillis(); ms += 100) {
            cluster.clock.advance(Duration.ofMillis(100));
            while (c.scheduler.runOne()) {
                // renewals and timers; the blocked step holds its own task
            }
        }
    }

    @Test
    public void theLeaseIsRenewedWhileAStepTakesLongerThanTheLease() throws Exception {
        // one stream at a time: the test runs the blocked batch on a thread of its own and the rest on this one
        ChangeCluster.Coordinator a = threeNodesWithData(ChangeCluster.settings("coord-a").withStreamConcurrency(1));
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        ChangeId id = a.add("n4", 16).change().id();
        cluster.stepUntil(() -> cluster.change(id).totals().keys() >= 150, Duration.ofSeconds(5), a);
        cluster.data.blockWritesTo(new NodeId("n4"));
        Thread stepping = stepUntilAWriteBlocks(a);

        passWhileAStepRuns(Duration.ofSeconds(45), a);

        assertThat(b.driver.takeOverAbandoned()).as("a's lease, renewed while its step runs").isEmpty();
        cluster.data.unblockWrites();
        stepping.join(Duration.ofSeconds(30));
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(b.events).isEmpty();
    }

    @Test
    public void aDriverWhoseLeaseRanOutSendsNoFurtherWriteEvenWithinTheStepUnderWay() throws Exception {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("big", 3);
        cluster.load("big", 3000);
        ChangeSettings d = ChangeCluster.settings("coord-a");
        // a scan batch of 100 entries goes out as several small batch writes; one stream at a time, as
        // the test runs the blocked batch on a thread of its own and the rest on this one
        ChangeCluster.Coordinator a = cluster.coordinator(d.withStreaming(d.streaming().withBatches(100, 1024)
                .withConcurrency(1)));
        ChangeCluster.Coordinator b = cluster.coordinator("coord-b");
        ChangeId id = a.add("n4", 16).change().id();
        NodeId n4 = new NodeId("n4");
        cluster.stepUntil(() -> cluster.change(id).totals().keys() >= 150, Duration.ofSeconds(5), a);
        // a can no longer reach the store to renew, and its step is stuck in a write
        cluster.changes.failRenewals(new PairDbException("changes", "PostgreSQL unreachable"));
        // nor checkpoint: with the batch under way off its thread, a's steps would renew by checkpointing
        cluster.changes.failCheckpoints(new PairDbException("changes", "PostgreSQL unreachable"));
        cluster.data.blockWritesTo(n4);
        Thread stepping = stepUntilAWriteBlocks(a);
        passWhileAStepRuns(Duration.ofSeconds(31), a);
        assertThat(b.driver.takeOverAbandoned()).extracting(TopologyChange::id).containsExactly(id);
        // the store is back: a's next checkpoint finds the lease is b's
        cluster.changes.failCheckpoints(null);
        long writesUnderWay = cluster.data.batchWritesTo(n4);

        cluster.data.unblockWrites();
        stepping.join(Duration.ofSeconds(30));
        cluster.runFor(Duration.ofSeconds(5), a);

        assertThat(cluster.data.batchWritesTo(n4)).as("batch writes a sent after its lease ran out")
                .isEqualTo(writesUnderWay);
        assertThat(a.events).contains("lease lost " + id);
        assertThat(a.driver.driving()).isEmpty();
    }

    @Test
    public void anOrderlyStopSavesTheProgressNotCheckpointedYet() {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("big", 3);
        cluster.load("big", 600);
        ChangeSettings rarely = ChangeCluster.settings("coord-a");
        rarely = rarely.withStreaming(rarely.streaming().withCheckpointInterval(Duration.ofHours(1)));
        ChangeCluster.Coordinator a = cluster.coordinator(rarely);
        var started = a.add("n4", 16);
        NodeId n4 = new NodeId("n4");
        cluster.stepUntil(() -> cluster.data.entriesWritten(n4) >= 150, Duration.ofSeconds(5), a);
        assertThat(cluster.change(started.change().id()).totals().keys()).isZero();

        a.driver.stop();

        assertThat(a.driver.driving()).isEmpty();
        TopologyChange saved = cluster.change(started.change().id());
        assertThat(saved.inProgress()).isTrue();
        assertThat(saved.totals().keys()).isEqualTo(cluster.data.entriesWritten(n4));
    }

    @Test
    public void backoffDoublesUpToItsMaximum() {
        ChangeSettings.Streaming s = ChangeCluster.settings("c").streaming();
        assertThat(List.of(s.backoff(1), s.backoff(2), s.backoff(3), s.backoff(4), s.backoff(9)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(4),
                        Duration.ofSeconds(4));
    }

    @Test
    public void theThrottleBoundsTheRateAChangeStreamsAtAndCanBeLiftedWhileItRuns() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        long rate = 2048; // bytes per second, a few batches a second
        a.throttle.setBytesPerSecond(rate);
        var started = a.add("n4", 16);
        ChangeId id = started.change().id();
        cluster.stepUntil(() -> cluster.change(id).totals().keys() > 0, Duration.ofSeconds(10), a);
        long firstBatch = cluster.change(id).totals().bytes();
        java.time.Instant from = cluster.clock.now();
        cluster.runUntil(() -> cluster.change(id).totals().bytes() >= firstBatch + 8 * rate, Duration.ofSeconds(60), a);

        double seconds = Duration.between(from, cluster.clock.now()).toMillis() / 1000.0;
        long streamed = cluster.change(id).totals().bytes() - firstBatch;
        // at most the rate over the span, plus the batch in flight when it ended (and the 100 ms steps)
        assertThat(streamed).as("bytes streamed in %.1f s at %d B/s", seconds, rate)
                .isLessThanOrEqualTo(Math.round(rate * (seconds + 0.2)) + firstBatch);
        assertThat(cluster.change(id).inProgress()).as("still streaming under the cap").isTrue();

        a.throttle.setBytesPerSecond(StreamThrottle.UNLIMITED);
        // the rest streams at once; the hand-over then waits for the fence and the settle delay
        cluster.runUntil(() -> !cluster.change(id).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(id).status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(cluster.keysHeldBy("n4")).isEqualTo(cluster.keysReplicatedBy(cluster.ring(NodeState.NORMAL), "n4"));
    }

    @Test
    public void raisingTheThrottleEndsAPauseTheOldCapImposed() {
        ChangeCluster.Coordinator a = threeNodesWithData();
        // one byte per second: the first batch owes hours of waiting
        a.throttle.setBytesPerSecond(1);
        var started = a.add("n4", 16);
        ChangeId id = started.change().id();
        cluster.stepUntil(() -> cluster.change(id).totals().keys() > 0, Duration.ofSeconds(10), a);
        long firstBatch = cluster.change(id).totals().keys();

        a.throttle.setBytesPerSecond(StreamThrottle.UNLIMITED);
        // not after the hours the old cap asked for: within a renewal of the lease
        cluster.runUntil(() -> cluster.change(id).totals().keys() > firstBatch, Duration.ofSeconds(60), a);
    }
}
