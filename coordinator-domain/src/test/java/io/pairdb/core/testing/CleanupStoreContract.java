package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.CleanupStore.Claimed;
import io.pairdb.core.port.CleanupStore.Force;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CleanupStore} does beside its {@link ChangeStore}; each implementation's test extends this. */
public abstract class CleanupStoreContract {
    /** The stores a cleanup reads and writes, empty, at epoch 0. */
    public record Stores(TopologyStore nodes, ChangeStore changes, CleanupStore cleanups) {
    }

    protected abstract Stores emptyStores();

    /** Lets every claim taken so far run out. */
    protected abstract void expireClaims();

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
    private final Instant completed = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private TopologyStore nodes;
    private ChangeStore changes;
    private CleanupStore cleanups;

    @BeforeEach
    public void freshStores() {
        Stores stores = emptyStores();
        nodes = stores.nodes();
        changes = stores.changes();
        cleanups = stores.cleanups();
        for (int i = 1; i <= 3; i++) {
            nodes.insert(node("n" + i, NodeState.NORMAL));
        }
    }

    private StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "127.0.0.1", 7000 + id.hashCode() % 100, 16, state, Liveness.UP,
                completed, completed);
    }

    /** Releases exercising every field: unsigned tokens past 2^63, a wrapping range, both tenant filters. */
    private static List<RangeRelease> releases() {
        return List.of(
                new RangeRelease(0, new TokenRange(new Token(10), new Token(2000)), new NodeId("n1"),
                        new TreeSet<>(Set.of(3)), TenantFilter.ALL),
                new RangeRelease(1, new TokenRange(Token.parseUnsigned("18446744073709551000"), new Token(5)),
                        new NodeId("n2"), new TreeSet<>(Set.of(1, 2)),
                        new TenantFilter.Only(List.of(new TenantId("b"), new TenantId("a")))));
    }

    /** Adds the node with the releases; completed at once unless {@code inProgress}. */
    private ChangeId start(String node, boolean inProgress) {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, new NodeId(node), epoch);
        List<RangeStream> streams = inProgress ? List.of(RangeStream.pending(0, new TokenRange(new Token(1),
                new Token(2)), new NodeId(node), List.of(new NodeId("n1")), new TreeSet<>(Set.of(3)), TenantFilter.ALL))
                : List.of();
        TopologyChange change = new TopologyChange(id, ChangeType.ADD_NODE, new NodeId(node), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, streams, completed, completed, Optional.empty(), Optional.empty(), Optional.empty());
        if (!inProgress) {
            change = change.ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), completed);
        }
        ChangeStore.Start start = changes.start(change, releases(), node(node, inProgress ? NodeState.BOOTSTRAPPING
                : NodeState.NORMAL), epoch - 1, "coord-a", LEASE);
        assertThat(start).isInstanceOf(ChangeStore.Start.Started.class);
        return id;
    }

    private List<Claimed> claim(String owner, Instant completedBefore) {
        return cleanups.claimDue(completedBefore, FAR_FUTURE, owner, LEASE, 100);
    }

    @Test
    public void theReleasesStoredWithAChangeArePendingUntilTried() {
        ChangeId id = start("n4", false);
        ChangeCleanup cleanup = cleanups.find(id).orElseThrow();
        assertThat(cleanup.ranges()).extracting(RangeCleanup::release).containsExactlyElementsOf(releases());
        assertThat(cleanup.ranges()).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(CleanupOutcome.PENDING);
            assertThat(r.attempts()).isZero();
            assertThat(r.lastAttemptAt()).isEmpty();
        });
        assertThat(cleanup.forced()).isEmpty();
        assertThat(cleanups.find(new ChangeId("add-n9-e9"))).isEmpty();
    }

    @Test
    public void aRangeIsDueOnlyOnceItsChangeCompletedBeforeTheCutoff() {
        start("n4", false);
        assertThat(claim("coord-a", completed.minusMillis(1))).isEmpty();
        assertThat(claim("coord-a", completed)).extracting(c -> c.cleanup().release().index()).containsExactly(0, 1);
    }

    @Test
    public void theRangesOfAChangeInProgressOrFailedAreNeverDue() {
        ChangeId failing = start("n4", true);
        assertThat(claim("coord-a", completed.plus(Duration.ofDays(9)))).isEmpty();
        assertThat(changes.finish(failing, "coord-a", Optional.of(NodeState.LEFT), ChangeStatus.FAILED,
                Optional.of("boom"), List.of(), completed)).isInstanceOf(ChangeStore.Finish.Finished.class);
        assertThat(claim("coord-a", completed.plus(Duration.ofDays(9)))).isEmpty();

        ChangeId completing = start("n5", true);
        changes.finish(completing, "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED, Optional.empty(),
                List.of(), completed);
        assertThat(claim("coord-a", completed)).extracting(c -> c.cleanup().change()).containsOnly(completing);
    }

    /** A change that streams range 0 of {@link #releases()} (10, 2000] to n5, planned at the epoch now. */
    private TopologyChange overlappingRange0() {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, new NodeId("n5"), epoch);
        return new TopologyChange(id, ChangeType.ADD_NODE, new NodeId("n5"), ChangeStatus.IN_PROGRESS, epoch, false, 0,
                List.of(RangeStream.pending(0, new TokenRange(new Token(1500), new Token(3000)), new NodeId("n5"),
                        List.of(new NodeId("n3")), new TreeSet<>(Set.of(3)), TenantFilter.ALL)), completed, completed,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    public void aRangeBeingDeletedRefusesOverlappingChangesUntilItsOutcomeIsFinal() {
        ChangeId id = start("n4", false);
        claim("coord-a", completed);
        long epoch = nodes.epoch();
        assertThat(cleanups.beginDelete(id, 0, "coord-b", epoch)).isEqualTo(CleanupStore.Begin.LOST);
        assertThat(cleanups.beginDelete(id, 0, "coord-a", epoch - 1)).isEqualTo(CleanupStore.Begin.RING_MOVED);
        assertThat(cleanups.deleting()).isEmpty();

        assertThat(cleanups.beginDelete(id, 0, "coord-a", epoch)).isEqualTo(CleanupStore.Begin.BEGUN);
        assertThat(cleanups.deleting()).singleElement().satisfies(r -> {
            assertThat(r.release().index()).isZero();
            assertThat(r.deleteBegun()).isPresent();
        });
        TopologyChange overlapping = overlappingRange0();
        assertThat(changes.start(overlapping, node("n5", NodeState.BOOTSTRAPPING), epoch, "coord-c", LEASE))
                .isInstanceOfSatisfying(ChangeStore.Start.CleanupRunning.class, running -> {
                    assertThat(running.cleanupOf()).isEqualTo(id);
                    assertThat(running.reason()).contains("(10, 2000]").contains("n1");
                });
        assertThat(changes.find(overlapping.id())).isEmpty();
        assertThat(nodes.epoch()).isEqualTo(epoch);

        // a delete that failed may still run: the mark outlives a skip
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Skipped("timed out", completed), completed);
        assertThat(cleanups.deleting()).hasSize(1);
        assertThat(changes.start(overlapping, node("n5", NodeState.BOOTSTRAPPING), epoch, "coord-c", LEASE))
                .isInstanceOf(ChangeStore.Start.CleanupRunning.class);

        expireClaims();
        claim("coord-a", completed);
        assertThat(cleanups.beginDelete(id, 0, "coord-a", epoch)).isEqualTo(CleanupStore.Begin.BEGUN);
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Deleted(7, completed), completed);
        assertThat(cleanups.deleting()).isEmpty();
        assertThat(changes.start(overlapping, node("n5", NodeState.BOOTSTRAPPING), epoch, "coord-c", LEASE))
                .isInstanceOf(ChangeStore.Start.Started.class);
    }

    /** Takes n1 out, streaming range 0 of {@link #releases()} from n2 to n3; {@code forced}: n1 does not answer. */
    private TopologyChange removingN1(boolean forced) {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.REMOVE_NODE, new NodeId("n1"), epoch);
        return new TopologyChange(id, ChangeType.REMOVE_NODE, new NodeId("n1"), ChangeStatus.IN_PROGRESS, epoch, forced,
                0, List.of(RangeStream.pending(0, new TokenRange(new Token(1500), new Token(3000)), new NodeId("n3"),
                        List.of(new NodeId("n2")), new TreeSet<>(Set.of(3)), TenantFilter.ALL)), completed, completed,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A delete marked on a node that then died keeps its mark (only the node's answer, or its leaving
     * the ring, ends it): a forced removal of that node must still start, or the node could never be
     * replaced. It is no source and is given nothing, so its delete can take nothing any replica needs.
     */
    @Test
    public void aForcedRemovalOfTheNodeADeleteIsMarkedOnStarts() {
        ChangeId id = start("n4", false);
        claim("coord-a", completed);
        long epoch = nodes.epoch();
        assertThat(cleanups.beginDelete(id, 0, "coord-a", epoch)).isEqualTo(CleanupStore.Begin.BEGUN);
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Skipped("node n1 is down", completed), completed);

        assertThat(changes.start(removingN1(false), node("n1", NodeState.LEAVING), epoch, "coord-c", LEASE))
                .as("n1 answers: it may be a source").isInstanceOf(ChangeStore.Start.CleanupRunning.class);
        assertThat(changes.start(removingN1(true), node("n1", NodeState.LEAVING), epoch, "coord-c", LEASE))
                .isInstanceOf(ChangeStore.Start.Started.class);
    }

    @Test
    public void aChangeStartedFirstMovesTheEpochSoTheDeleteDoesNotBegin() {
        ChangeId id = start("n4", false);
        claim("coord-a", completed);
        long verifiedAt = nodes.epoch();
        TopologyChange overlapping = overlappingRange0();
        assertThat(changes.start(overlapping, node("n5", NodeState.BOOTSTRAPPING), verifiedAt, "coord-c", LEASE))
                .isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(cleanups.beginDelete(id, 0, "coord-a", verifiedAt)).isEqualTo(CleanupStore.Begin.RING_MOVED);
        assertThat(cleanups.deleting()).isEmpty();
    }

    @Test
    public void theStrayCopiesOfAFailedChangeAreDueAndTheRangesItWouldHaveReleasedAreNot() {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.REMOVE_NODE, new NodeId("n3"), epoch);
        RangeStream stream = RangeStream.pending(0, new TokenRange(new Token(1), new Token(2)), new NodeId("n2"),
                List.of(new NodeId("n3")), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
        TopologyChange change = new TopologyChange(id, ChangeType.REMOVE_NODE, new NodeId("n3"), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, List.of(stream), completed, completed, Optional.empty(), Optional.empty(),
                Optional.empty());
        List<RangeRelease> releases = RangeRelease.withRollback(releases(), List.of(stream));
        assertThat(changes.start(change, releases, node("n3", NodeState.LEAVING), epoch - 1, "coord-a", LEASE))
                .isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(cleanups.find(id).orElseThrow().ranges()).as("in progress: what it releases if it completes")
                .extracting(RangeCleanup::release).containsExactlyElementsOf(releases());
        assertThat(claim("coord-a", completed.plus(Duration.ofDays(9)))).isEmpty();

        changes.finish(id, "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.FAILED, Optional.of("boom"),
                List.of(stream), completed);

        assertThat(claim("coord-a", completed)).singleElement().satisfies(c -> {
            assertThat(c.cleanup().release().when()).isEqualTo(RangeRelease.When.FAILED);
            assertThat(c.cleanup().release().node()).isEqualTo(new NodeId("n2"));
            assertThat(c.cleanup().release().range()).isEqualTo(stream.range());
        });
        assertThat(cleanups.find(id).orElseThrow().ranges()).as("failed: its stray copies")
                .extracting(RangeCleanup::release).containsExactly(releases.getLast());
    }

    private List<Integer> uncleaned(Instant endedBefore, String... onNodes) {
        return cleanups.uncleaned(java.util.Arrays.stream(onNodes).map(NodeId::new).toList(), endedBefore).stream()
                .map(r -> r.release().index()).toList();
    }

    @Test
    public void theRangesLeftUncleanedOnNodesAreThoseOfChangesEndedByTheCutoffWithNoFinalOutcome() {
        ChangeId done = start("n4", false);
        assertThat(uncleaned(completed.minusMillis(1), "n1", "n2")).isEmpty();
        assertThat(uncleaned(completed, "n1", "n2")).containsExactly(0, 1);
        assertThat(uncleaned(completed, "n2", "n9")).containsExactly(1);
        assertThat(uncleaned(completed, "n3")).isEmpty();
        assertThat(cleanups.uncleaned(List.of(new NodeId("n1")), completed)).singleElement()
                .satisfies(r -> assertThat(r.release()).isEqualTo(releases().getFirst()));

        claim("coord-a", completed);
        assertThat(uncleaned(completed, "n1", "n2")).as("claimed or not").containsExactly(0, 1);
        cleanups.record(done, 0, "coord-a", new CleanupOutcome.Skipped("replicas disagree", completed), completed);
        cleanups.record(done, 1, "coord-a", new CleanupOutcome.Deleted(7, completed), completed);
        assertThat(cleanups.uncleaned(List.of(new NodeId("n1"), new NodeId("n2")), completed)).singleElement()
                .satisfies(r -> {
                    assertThat(r.release().index()).isZero();
                    assertThat(r.outcome()).isInstanceOf(CleanupOutcome.Skipped.class);
                });
        expireClaims();
        claim("coord-a", completed);
        cleanups.record(done, 0, "coord-a", new CleanupOutcome.Kept("replicated again", completed), completed);
        assertThat(uncleaned(FAR_FUTURE, "n1", "n2")).isEmpty();

        // a failed change leaves its stray copies behind, not the ranges it would have released
        long epoch = nodes.epoch() + 1;
        ChangeId failed = ChangeId.of(ChangeType.REMOVE_NODE, new NodeId("n3"), epoch);
        RangeStream stream = RangeStream.pending(0, new TokenRange(new Token(1), new Token(2)), new NodeId("n2"),
                List.of(new NodeId("n3")), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
        TopologyChange change = new TopologyChange(failed, ChangeType.REMOVE_NODE, new NodeId("n3"),
                ChangeStatus.IN_PROGRESS, epoch, false, 0, List.of(stream), completed, completed, Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(changes.start(change, RangeRelease.withRollback(releases(), List.of(stream)),
                node("n3", NodeState.LEAVING), epoch - 1, "coord-a", LEASE)).isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(uncleaned(FAR_FUTURE, "n1", "n2")).as("a change in progress leaves nothing yet").isEmpty();
        changes.finish(failed, "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.FAILED, Optional.of("boom"),
                List.of(stream), completed.plusSeconds(5));
        assertThat(uncleaned(completed.plusSeconds(4), "n1", "n2")).isEmpty();
        assertThat(cleanups.uncleaned(List.of(new NodeId("n1"), new NodeId("n2")), completed.plusSeconds(5)))
                .singleElement().satisfies(r -> {
                    assertThat(r.change()).isEqualTo(failed);
                    assertThat(r.release().when()).isEqualTo(RangeRelease.When.FAILED);
                    assertThat(r.release().node()).isEqualTo(new NodeId("n2"));
                });
    }

    @Test
    public void aClaimedRangeGoesToNobodyElseUntilTheClaimRunsOut() {
        ChangeId id = start("n4", false);
        assertThat(claim("coord-a", completed)).hasSize(2);
        assertThat(claim("coord-b", completed)).isEmpty();

        expireClaims();
        assertThat(claim("coord-b", completed)).hasSize(2);
        assertThat(cleanups.record(id, 0, "coord-a", new CleanupOutcome.Deleted(3, completed), completed))
                .as("the claim went to coord-b").isEqualTo(ChangeStore.Held.LOST);
        assertThat(cleanups.find(id).orElseThrow().ranges().getFirst().outcome()).isEqualTo(CleanupOutcome.PENDING);
    }

    @Test
    public void aClaimTakesAtMostTheLimit() {
        start("n4", false);
        assertThat(cleanups.claimDue(completed, FAR_FUTURE, "coord-a", LEASE, 1)).hasSize(1);
        assertThat(cleanups.claimDue(completed, FAR_FUTURE, "coord-a", LEASE, 1)).hasSize(1);
        assertThat(cleanups.claimDue(completed, FAR_FUTURE, "coord-a", LEASE, 1)).isEmpty();
    }

    @Test
    public void aDeletedRangeIsDoneAndASkippedOneIsTriedAgain() {
        ChangeId id = start("n4", false);
        claim("coord-a", completed);
        Instant at = completed.plusSeconds(5);
        assertThat(cleanups.record(id, 0, "coord-a", new CleanupOutcome.Deleted(42, at), at))
                .isEqualTo(ChangeStore.Held.HELD);
        String reason = "replica n3 of range (1, 2] lacks key 'ü'";
        cleanups.record(id, 1, "coord-a", new CleanupOutcome.Skipped(reason, at), at);

        List<RangeCleanup> ranges = cleanups.find(id).orElseThrow().ranges();
        assertThat(ranges.get(0).outcome()).isEqualTo(new CleanupOutcome.Deleted(42, at));
        assertThat(ranges.get(1).outcome()).isEqualTo(new CleanupOutcome.Skipped(reason, at));
        assertThat(ranges).allSatisfy(r -> {
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.lastAttemptAt()).contains(at);
        });

        assertThat(cleanups.claimDue(completed, at, "coord-b", LEASE, 100))
                .as("not tried again by the run that skipped it").isEmpty();
        List<Claimed> again = claim("coord-b", completed);
        assertThat(again).extracting(c -> c.cleanup().release().index()).containsExactly(1);
        cleanups.record(id, 1, "coord-b", new CleanupOutcome.Kept("node n2 replicates the range again", at), at);
        assertThat(cleanups.find(id).orElseThrow().ranges().get(1).attempts()).isEqualTo(2);
        assertThat(cleanups.find(id).orElseThrow().isDone()).isTrue();
        assertThat(claim("coord-b", completed.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    public void aForcedCleanupIsDueAtOnceAndRecordsWhyWhoAndWhen() {
        ChangeId id = start("n4", false);
        CleanupOrder order = new CleanupOrder("disk full on n1", "alice via coord-a", completed.plusSeconds(1));
        Force forced = cleanups.force(id, order);

        assertThat(forced).isInstanceOf(Force.Forced.class);
        assertThat(((Force.Forced) forced).cleanup().forced()).contains(order);
        assertThat(cleanups.find(id).orElseThrow().forced()).contains(order);
        List<Claimed> due = claim("coord-a", completed.minus(Duration.ofDays(1)));
        assertThat(due).hasSize(2).allSatisfy(c -> assertThat(c.forced()).contains(order));
    }

    @Test
    public void theBacklogCountsTheRangesDueAndNotDoneAndSaysSinceWhenTheOldestIsDue() {
        Duration grace = Duration.ofHours(24);
        assertThat(cleanups.backlog(completed, grace)).isEqualTo(CleanupStore.Backlog.NONE);
        ChangeId id = start("n4", false);
        start("n5", true);
        assertThat(cleanups.backlog(completed.plus(grace).minusMillis(1), grace))
                .as("within the grace period nothing is due").isEqualTo(CleanupStore.Backlog.NONE);

        Instant dueAt = completed.plus(grace);
        assertThat(cleanups.backlog(dueAt, grace)).isEqualTo(new CleanupStore.Backlog(2, 0, 0, Optional.of(dueAt)));

        // claimed or not makes no difference; a skip counts, twice makes two skips; a deletion is done
        claim("coord-a", completed);
        Instant at = dueAt.plusSeconds(60);
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Skipped("only 1 of 3 replicas agree", at), at);
        cleanups.record(id, 1, "coord-a", new CleanupOutcome.Skipped("node n2 is down", at), at);
        claim("coord-a", completed);
        cleanups.record(id, 1, "coord-a", new CleanupOutcome.Skipped("node n2 is down", at.plusSeconds(60)),
                at.plusSeconds(60));
        assertThat(cleanups.backlog(at, grace)).isEqualTo(new CleanupStore.Backlog(0, 2, 2, Optional.of(dueAt)));

        claim("coord-a", completed);
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Deleted(7, at), at);
        cleanups.record(id, 1, "coord-a", new CleanupOutcome.Kept("node n2 replicates the range again", at), at);
        assertThat(cleanups.backlog(at, grace)).isEqualTo(CleanupStore.Backlog.NONE);
    }

    @Test
    public void aForcedCleanupIsDueFromTheMomentItWasForced() {
        Duration grace = Duration.ofHours(24);
        ChangeId id = start("n4", false);
        Instant forcedAt = completed.plusSeconds(300);
        cleanups.force(id, new CleanupOrder("disk full on n1", "alice via coord-a", forcedAt));

        assertThat(cleanups.backlog(forcedAt.plusSeconds(1), grace))
                .isEqualTo(new CleanupStore.Backlog(2, 0, 0, Optional.of(forcedAt)));
    }

    @Test
    public void onlyAChangeThatEndedCanBeForced() {
        CleanupOrder order = new CleanupOrder("why", "bob via coord-a", completed);
        assertThat(cleanups.force(new ChangeId("add-n9-e9"), order)).isEqualTo(new Force.NotFound());
        ChangeId running = start("n4", true);
        assertThat(cleanups.force(running, order)).isEqualTo(new Force.NotCompleted(ChangeStatus.IN_PROGRESS));
        assertThat(cleanups.find(running).orElseThrow().forced()).isEmpty();

        // a failed change's stray copies can be forced too
        changes.finish(running, "coord-a", Optional.of(NodeState.LEFT), ChangeStatus.FAILED, Optional.of("boom"),
                List.of(), completed);
        assertThat(cleanups.force(running, order)).isInstanceOf(Force.Forced.class);
        assertThat(cleanups.find(running).orElseThrow().forced()).contains(order);
    }
}
