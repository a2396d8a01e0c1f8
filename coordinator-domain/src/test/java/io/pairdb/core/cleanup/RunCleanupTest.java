package io.pairdb.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryCleanupStore;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ClusterStores;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.PlanRangeStreams;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunCleanupTest {
    private static final Duration GRACE = Duration.ofHours(24);
    private static final TenantId TENANT = new TenantId("t");
    private static final int KEYS = 300;

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore nodes = new InMemoryTopologyStore();
    private final InMemoryTenantStore tenants = new InMemoryTenantStore(nodes);
    private final InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
    private final InMemoryCleanupStore cleanups = new InMemoryCleanupStore(changes, clock);
    private final InMemoryStorageRanges data = new InMemoryStorageRanges();
    private static final Duration HANDOVER = Duration.ofDays(5);
    private final CleanupSettings settings = new CleanupSettings("coord-a", GRACE, Duration.ofMinutes(1), 16,
            Duration.ofSeconds(5), 7, HANDOVER);
    private final ClusterTopology topology = new ClusterTopology(nodes, clock);
    private final RunCleanup cleanup = new RunCleanup(cleanups, new ClusterStores(nodes, tenants, changes), topology, data,
            clock, settings, CleanupEvents.NONE);
    private final List<String> keys = new ArrayList<>();
    private ChangeId added;

    @BeforeEach
    void threeNodesHoldingKeysThenAFourthAdded() {
        Instant now = clock.now();
        tenants.insert(new Tenant(TENANT, 3, now, now, 1));
        for (int i = 1; i <= 3; i++) {
            nodes.insert(node("n" + i, NodeState.NORMAL));
        }
        for (int i = 0; i < KEYS; i++) {
            String key = "key-" + i;
            keys.add(key);
            for (NodeId replica : ring().replicasFor(Token.forKey(TENANT.value(), key), 3)) {
                data.put(replica, TENANT, key, version(i + 1));
            }
        }
        added = addCompleted("n4");
    }

    private StorageNode node(String id, NodeState state) {
        Instant now = clock.now();
        return new StorageNode(new NodeId(id), "10.0.0." + id.substring(1), 7000, 16, state, Liveness.UP, now, now);
    }

    private static Version version(long counter) {
        return Version.of(("v" + counter).getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-1", counter), counter);
    }

    private Ring ring() {
        return TopologyView.of(nodes.load()).currentRing();
    }

    /** Adds the node as a completed change, its data streamed: every key is on its new replicas too. */
    private ChangeId addCompleted(String id) {
        long epoch = nodes.epoch() + 1;
        StorageNode joining = node(id, NodeState.BOOTSTRAPPING);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(TopologyView.of(nodes.load()), joining, tenants.list());
        ChangeId changeId = ChangeId.of(ChangeType.ADD_NODE, joining.id(), epoch);
        Instant now = clock.now();
        TopologyChange change = new TopologyChange(changeId, ChangeType.ADD_NODE, joining.id(), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, List.of(), now, now, Optional.empty(), Optional.empty(), Optional.empty())
                .ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), now);
        assertThat(changes.start(change, plan.releases(), joining.withState(NodeState.NORMAL, now), epoch - 1, "coord-a",
                Duration.ofMinutes(1))).isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(plan.releases()).isNotEmpty();
        for (String key : keys) {
            KeyPosition position = new KeyPosition(Token.forKey(TENANT.value(), key), TENANT, key);
            for (NodeId replica : ring().replicasFor(position.token(), 3)) {
                Version held = holder(position).orElseThrow();
                data.put(replica, TENANT, key, held);
            }
        }
        return changeId;
    }

    /** The version any node holds of the key (they all hold the same one here). */
    private Optional<Version> holder(KeyPosition position) {
        for (int i = 1; i <= 5; i++) {
            var entry = data.held(new NodeId("n" + i)).get(position);
            if (entry != null) {
                return Optional.of(entry.version());
            }
        }
        return Optional.empty();
    }

    private Map<String, CleanupOutcome> outcomes(ChangeId change) {
        Map<String, CleanupOutcome> byRange = new java.util.LinkedHashMap<>();
        cleanups.find(change).orElseThrow().ranges().forEach(r -> byRange.put(r.release().index() + "", r.outcome()));
        return byRange;
    }

    private List<RangeCleanup> ranges(ChangeId change) {
        return cleanups.find(change).orElseThrow().ranges();
    }

    /** Whether every node holds exactly the keys the ring gives it now. */
    private void assertEveryNodeHoldsExactlyItsKeys() {
        for (int i = 1; i <= 4; i++) {
            NodeId n = new NodeId("n" + i);
            List<String> expected = keys.stream()
                    .filter(k -> ring().replicasFor(Token.forKey(TENANT.value(), k), 3).contains(n)).sorted().toList();
            assertThat(data.held(n).keySet().stream().map(KeyPosition::key).sorted().toList()).as("keys on " + n)
                    .isEqualTo(expected);
        }
    }

    private RangeRelease releaseHolding(String key, NodeId formerOwner) {
        Token token = Token.forKey(TENANT.value(), key);
        return ranges(added).stream().map(RangeCleanup::release)
                .filter(r -> r.node().equals(formerOwner) && r.range().contains(token)).findFirst().orElseThrow();
    }

    /** A key n4 now replicates, the node that stopped replicating it, and its other two replicas. */
    private record Moved(String key, NodeId former, List<NodeId> newReplicas) {
    }

    private Moved aMovedKey() {
        for (String key : keys) {
            Token token = Token.forKey(TENANT.value(), key);
            List<NodeId> after = ring().replicasFor(token, 3);
            if (after.contains(new NodeId("n4"))) {
                NodeId former = List.of(new NodeId("n1"), new NodeId("n2"), new NodeId("n3")).stream()
                        .filter(n -> !after.contains(n)).findFirst().orElseThrow();
                return new Moved(key, former, after);
            }
        }
        throw new AssertionError("n4 replicates no key");
    }

    @Test
    void nothingIsDeletedBeforeTheGracePeriodIsOver() {
        clock.advance(GRACE.minusSeconds(1));
        assertThat(cleanup.run().attempted()).isZero();
        assertThat(data.rangesDeleted()).isEmpty();
        assertThat(ranges(added)).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(CleanupOutcome.PENDING));
    }

    @Test
    void afterTheGracePeriodTheFormerOwnersCopiesGoAndEveryKeyStaysOnItsReplicas() {
        clock.advance(GRACE);
        RunCleanup.Report report = cleanup.run();

        assertThat(report.skipped()).isZero();
        assertThat(report.deleted()).isPositive();
        assertThat(ranges(added)).allSatisfy(r -> {
            assertThat(r.outcome()).isInstanceOfAny(CleanupOutcome.Deleted.class, CleanupOutcome.Kept.class);
            assertThat(r.attempts()).isEqualTo(1);
        });
        long moved = keys.stream().filter(k -> ring().replicasFor(Token.forKey(TENANT.value(), k), 3)
                .contains(new NodeId("n4"))).count();
        assertThat(report.keysDeleted()).isEqualTo(moved);
        assertEveryNodeHoldsExactlyItsKeys();
        assertThat(cleanup.run().attempted()).as("done ranges are not tried again").isZero();
    }

    @Test
    void aRangeTwoNewReplicasLackAKeyOfIsSkippedWhileTheOthersAreDeleted() {
        Moved moved = aMovedKey();
        List<NodeId> others = moved.newReplicas().stream().filter(n -> !n.equals(moved.former())).toList();
        data.remove(others.get(0), TENANT, moved.key());
        data.remove(others.get(1), TENANT, moved.key());
        clock.advance(GRACE);

        RunCleanup.Report report = cleanup.run();

        RangeRelease blocked = releaseHolding(moved.key(), moved.former());
        CleanupOutcome outcome = ranges(added).get(blocked.index()).outcome();
        assertThat(outcome).isInstanceOf(CleanupOutcome.Skipped.class);
        assertThat(((CleanupOutcome.Skipped) outcome).reason()).contains("lacks key '" + moved.key() + "'")
                .contains(moved.former().value());
        assertThat(report.skipped()).isEqualTo(1);
        assertThat(report.deleted()).isPositive();
        assertThat(data.held(moved.former()).keySet()).extracting(KeyPosition::key).contains(moved.key());

        clock.advance(Duration.ofMinutes(5));
        cleanup.run();
        assertThat(ranges(added).get(blocked.index()).attempts()).as("a skipped range is tried again").isEqualTo(2);
    }

    /**
     * A write acknowledged by the former owner alone after its range had streamed (an RF lowering,
     * or a hint for the new replica that could not be stored): the replicas lack it. Young enough
     * that no delete superseding it can have been purged, it is handed over, and then the range goes.
     */
    @Test
    void anEntryTheNewReplicasLackWrittenWithinTheHandoverWindowIsHandedOverAndThenTheRangeGoes() {
        Moved moved = aMovedKey();
        clock.advance(GRACE);
        Version late = Version.of("late".getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-2", 1),
                clock.nowMillis() - Duration.ofHours(1).toMillis());
        for (NodeId n : moved.newReplicas()) {
            data.remove(n, TENANT, moved.key());
        }
        data.remove(moved.former(), TENANT, moved.key());
        data.put(moved.former(), TENANT, moved.key(), late);

        cleanup.run();

        RangeRelease release = releaseHolding(moved.key(), moved.former());
        CleanupOutcome first = ranges(added).get(release.index()).outcome();
        assertThat(first).isInstanceOf(CleanupOutcome.Skipped.class);
        assertThat(((CleanupOutcome.Skipped) first).reason()).contains("lacks key '" + moved.key() + "'")
                .contains("handed 1 such entries over");
        KeyPosition position = new KeyPosition(Token.forKey(TENANT.value(), moved.key()), TENANT, moved.key());
        for (NodeId n : moved.newReplicas()) {
            assertThat(data.held(n).get(position)).as("handed over to " + n).isNotNull()
                    .extracting(e -> e.version()).isEqualTo(late);
        }

        clock.advance(Duration.ofMinutes(5));
        cleanup.run();

        assertThat(ranges(added).get(release.index()).outcome()).isInstanceOf(CleanupOutcome.Deleted.class);
        assertThat(data.held(moved.former()).get(position)).as("the former owner's copy went").isNull();
    }

    @Test
    void largeEntriesAreHandedOverInBatchesANodeTakes() {
        Moved moved = aMovedKey();
        clock.advance(GRACE);
        RangeRelease release = releaseHolding(moved.key(), moved.former());
        // six late values of 900 kB in the range the former owner gave up: one batch of them would be
        // over the 4 MiB a node takes in a request
        List<KeyPosition> large = new ArrayList<>();
        for (int i = 0; large.size() < 6; i++) {
            Token token = Token.forKey(TENANT.value(), "large-" + i);
            if (release.range().contains(token)) {
                large.add(new KeyPosition(token, TENANT, "large-" + i));
            }
        }
        Version late = Version.of(new byte[900_000], VectorClock.of("coord-2", 1),
                clock.nowMillis() - Duration.ofHours(1).toMillis());
        large.forEach(p -> data.put(moved.former(), TENANT, p.key(), late));

        cleanup.run();

        assertThat(((CleanupOutcome.Skipped) ranges(added).get(release.index()).outcome()).reason())
                .contains("handed 6 such entries over");
        for (KeyPosition position : large) {
            for (NodeId n : moved.newReplicas()) {
                assertThat(data.held(n).get(position)).as(position.key() + " handed over to " + n).isNotNull();
            }
        }
    }

    @Test
    void anEntryTheNewReplicasLackWrittenBeforeTheHandoverWindowKeepsTheRangeAndIsNotHandedOver() {
        Moved moved = aMovedKey();
        clock.advance(GRACE);
        Version old = Version.of("old".getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-2", 1),
                clock.nowMillis() - HANDOVER.plusHours(1).toMillis());
        for (NodeId n : moved.newReplicas()) {
            // as if a delete had superseded it there and been purged after the gc grace
            data.remove(n, TENANT, moved.key());
        }
        data.remove(moved.former(), TENANT, moved.key());
        data.put(moved.former(), TENANT, moved.key(), old);

        cleanup.run();

        CleanupOutcome outcome = ranges(added).get(releaseHolding(moved.key(), moved.former()).index()).outcome();
        assertThat(outcome).isInstanceOf(CleanupOutcome.Skipped.class);
        assertThat(((CleanupOutcome.Skipped) outcome).reason()).contains("before the handover window");
        KeyPosition position = new KeyPosition(Token.forKey(TENANT.value(), moved.key()), TENANT, moved.key());
        for (NodeId n : moved.newReplicas()) {
            assertThat(data.held(n).get(position)).as("nothing brought back on " + n).isNull();
        }
        assertThat(data.held(moved.former()).get(position)).isNotNull();
    }

    @Test
    void aRangeWhoseNewReplicasHoldAnOlderClockIsSkipped() {
        Moved moved = aMovedKey();
        for (NodeId n : moved.newReplicas()) {
            // as if the replicas had missed the last write the former owner took
            data.remove(n, TENANT, moved.key());
            data.put(n, TENANT, moved.key(), version(1));
        }
        data.put(moved.former(), TENANT, moved.key(), version(10_000));
        clock.advance(GRACE);

        cleanup.run();

        CleanupOutcome outcome = ranges(added).get(releaseHolding(moved.key(), moved.former()).index()).outcome();
        assertThat(outcome).isInstanceOf(CleanupOutcome.Skipped.class);
        assertThat(((CleanupOutcome.Skipped) outcome).reason()).contains("older or concurrent version of key '"
                + moved.key() + "'");
        assertThat(data.held(moved.former()).keySet()).extracting(KeyPosition::key).contains(moved.key());
    }

    @Test
    void aRangeOverlappingAChangeInFlightWaitsForIt() {
        StorageNode joining = node("n5", NodeState.BOOTSTRAPPING);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(TopologyView.of(nodes.load()), joining, tenants.list());
        Instant now = clock.now();
        long epoch = nodes.epoch() + 1;
        ChangeId inFlight = ChangeId.of(ChangeType.ADD_NODE, joining.id(), epoch);
        assertThat(changes.start(new TopologyChange(inFlight, ChangeType.ADD_NODE, joining.id(), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, plan.streams(), now, now, Optional.empty(), Optional.empty(), Optional.empty()),
                plan.releases(), joining, epoch - 1, "coord-b", Duration.ofDays(9)))
                .isInstanceOf(ChangeStore.Start.Started.class);
        clock.advance(GRACE);

        cleanup.run();

        List<RangeCleanup> overlapping = ranges(added).stream().filter(r -> plan.streams().stream()
                .anyMatch(s -> io.pairdb.core.topology.ChangeConflicts.overlap(s.range(), r.release().range()))).toList();
        assertThat(overlapping).isNotEmpty().allSatisfy(r -> {
            assertThat(r.outcome()).isInstanceOf(CleanupOutcome.Skipped.class);
            assertThat(((CleanupOutcome.Skipped) r.outcome()).reason()).isEqualTo("change " + inFlight + " is in flight");
        });
        assertThat(data.rangesDeleted()).allSatisfy(d -> assertThat(plan.streams()).noneMatch(
                s -> io.pairdb.core.topology.ChangeConflicts.overlap(s.range(), d.range())));
        assertThat(ranges(added)).anyMatch(r -> r.outcome() instanceof CleanupOutcome.Deleted);
    }

    @Test
    void aFormerOwnerThatReplicatesTheRangeAgainIsNeverTouched() {
        // n4 left again: the ring is the one before the change, every former owner a replica again
        nodes.update(nodes.find(new NodeId("n4")).orElseThrow().withState(NodeState.LEFT, clock.now()));
        clock.advance(GRACE);

        RunCleanup.Report report = cleanup.run();

        assertThat(report.kept()).isEqualTo(ranges(added).size());
        assertThat(data.rangesDeleted()).isEmpty();
        assertThat(ranges(added)).allSatisfy(r -> assertThat(((CleanupOutcome.Kept) r.outcome()).reason())
                .endsWith("replicates the range again"));
    }

    @Test
    void aForcedCleanupDeletesAtOnceWithoutVerifyingButNeverFromACurrentReplica() {
        Moved moved = aMovedKey();
        moved.newReplicas().forEach(n -> data.remove(n, TENANT, moved.key()));
        ForceCleanup force = new ForceCleanup(cleanups, clock, "coord-a", CleanupEvents.NONE);

        CleanupStore.Force forced = force.force(added, "n1's disk is full", "alice");

        assertThat(forced).isInstanceOf(CleanupStore.Force.Forced.class);
        CleanupOrder order = cleanups.find(added).orElseThrow().forced().orElseThrow();
        assertThat(order.reason()).isEqualTo("n1's disk is full");
        assertThat(order.requestedBy()).isEqualTo("alice via coord-a");
        assertThat(order.at()).isEqualTo(clock.now());

        RunCleanup.Report report = cleanup.run();
        assertThat(report.skipped()).isZero();
        assertThat(ranges(added)).allSatisfy(r -> assertThat(r.outcome()).isInstanceOfAny(CleanupOutcome.Deleted.class,
                CleanupOutcome.Kept.class));
        assertThat(data.held(moved.former()).keySet()).extracting(KeyPosition::key).doesNotContain(moved.key());
        for (var d : data.rangesDeleted()) {
            assertThat(ring().replicasFor(d.range().end(), 3)).as("deleted from a current replica")
                    .doesNotContain(d.node());
        }
    }

    @Test
    void aForcedCleanupNeedsAReasonAndACompletedChange() {
        ForceCleanup force = new ForceCleanup(cleanups, clock, "coord-a", CleanupEvents.NONE);
        assertThatThrownBy(() -> force.force(added, "  ", "alice")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThat(force.force(new ChangeId("add-n9-e9"), "why", "alice")).isEqualTo(new CleanupStore.Force.NotFound());
        assertThat(cleanups.find(added).orElseThrow().forced()).isEmpty();
    }

    @Test
    void aFormerOwnerThisCoordinatorsFailureDetectorSeesDownIsSkippedWithoutBeingCalled() {
        Moved moved = aMovedKey();
        topology.reload();
        topology.markLiveness(moved.former(), Liveness.DOWN);
        clock.advance(GRACE);

        cleanup.run();

        List<RangeCleanup> ofFormer = ranges(added).stream().filter(r -> r.release().node().equals(moved.former()))
                .toList();
        assertThat(ofFormer).isNotEmpty().allSatisfy(r -> {
            assertThat(r.outcome()).isInstanceOfAny(CleanupOutcome.Skipped.class, CleanupOutcome.Kept.class);
            if (r.outcome() instanceof CleanupOutcome.Skipped skipped) {
                assertThat(skipped.reason()).isEqualTo("node " + moved.former() + " is down");
            }
        });
        assertThat(ofFormer).anyMatch(r -> r.outcome() instanceof CleanupOutcome.Skipped);
        assertThat(data.rangesDeleted()).noneMatch(d -> d.node().equals(moved.former()));
        assertThat(data.callsTo(moved.former())).as("calls to the node seen down").isZero();
        assertThat(ranges(added)).anyMatch(r -> r.outcome() instanceof CleanupOutcome.Deleted);
    }

    /** Removing n4 again: its streams give the moved ranges back to their former owners. */
    private TopologyChange removingN4() {
        StorageNode n4 = nodes.find(new NodeId("n4")).orElseThrow();
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(TopologyView.of(nodes.load()), n4.id(), tenants.list(), false);
        long epoch = nodes.epoch() + 1;
        Instant now = clock.now();
        return new TopologyChange(ChangeId.of(ChangeType.REMOVE_NODE, n4.id(), epoch), ChangeType.REMOVE_NODE, n4.id(),
                ChangeStatus.IN_PROGRESS, epoch, false, 0, plan.streams(), now, now, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private ChangeStore.Start startRemovingN4() {
        StorageNode n4 = nodes.find(new NodeId("n4")).orElseThrow();
        return changes.start(removingN4(), n4.withState(NodeState.LEAVING, clock.now()), nodes.epoch(), "coord-b",
                Duration.ofMinutes(1));
    }

    @Test
    void aRangeWhoseDeleteFailedMayStillBeDeletedSoNoOverlappingChangeStartsUntilALaterRunDeletedIt() {
        Moved moved = aMovedKey();
        // the former owner's deletes fail, as a timed-out one would: each may still run on the node
        data.failWrites(moved.former(), true);
        clock.advance(GRACE);

        cleanup.run();

        assertThat(startRemovingN4()).as("a change giving the range back to its former owner")
                .isInstanceOfSatisfying(ChangeStore.Start.CleanupRunning.class, running -> {
                    assertThat(running.cleanupOf()).isEqualTo(added);
                    assertThat(running.reason()).contains("from node " + moved.former());
                });
        RangeRelease held = releaseHolding(moved.key(), moved.former());
        RangeCleanup range = ranges(added).get(held.index());
        assertThat(range.outcome()).isInstanceOfSatisfying(CleanupOutcome.Skipped.class,
                s -> assertThat(s.reason()).contains("may still run on node " + moved.former()));
        assertThat(range.deleteBegun()).isPresent();

        data.failWrites(moved.former(), false);
        clock.advance(Duration.ofMinutes(5));
        cleanup.run();

        RangeCleanup after = ranges(added).get(held.index());
        assertThat(after.outcome()).isInstanceOf(CleanupOutcome.Deleted.class);
        assertThat(after.deleteBegun()).isEmpty();
        assertThat(cleanups.deleting()).isEmpty();
        assertThat(startRemovingN4()).isInstanceOf(ChangeStore.Start.Started.class);
    }

    @Test
    void aRangeIsCutWhereTheRingNowHasVnodesInsideIt() {
        RangeRelease release = ranges(added).getFirst().release();
        List<io.pairdb.core.ring.TokenRange> pieces = RunCleanup.pieces(release.range(), TopologyView.of(nodes.load()));
        assertThat(pieces.getFirst().start()).isEqualTo(release.range().start());
        assertThat(pieces.getLast().end()).isEqualTo(release.range().end());
        for (int i = 1; i < pieces.size(); i++) {
            assertThat(pieces.get(i).start()).isEqualTo(pieces.get(i - 1).end());
        }
    }
}
