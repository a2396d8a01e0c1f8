package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.repair.RepairedRange;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
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

/** What every {@link RepairStore} does beside its {@link ChangeStore}; each implementation's test extends this. */
public abstract class RepairStoreContract {
    /** The stores a repair run and a change start touch, empty, at epoch 0. */
    public record Stores(TopologyStore nodes, ChangeStore changes, RepairStore runs) {
    }

    protected abstract Stores emptyStores();

    /** Lets every run's lease taken so far run out. */
    protected abstract void expireLeases();

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final TenantId ACME = new TenantId("acme");
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private TopologyStore nodes;
    private ChangeStore changes;
    private RepairStore runs;

    @BeforeEach
    public void freshStores() {
        Stores stores = emptyStores();
        nodes = stores.nodes();
        changes = stores.changes();
        runs = stores.runs();
        for (int i = 1; i <= 3; i++) {
            nodes.insert(node("n" + i, NodeState.NORMAL));
        }
    }

    private StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "127.0.0.1", 7000, 16, state, Liveness.UP, now, now);
    }

    private RepairRun run(String id, Optional<TenantId> tenant, boolean dryRun) {
        return RepairRun.starting(id, tenant, Optional.of(new NodeId("n1")), dryRun, nodes.epoch(), 12, now);
    }

    private ChangeStore.Start addNode(String node) {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, new NodeId(node), epoch);
        List<RangeStream> streams = List.of(RangeStream.pending(0, new TokenRange(new Token(1), new Token(2)),
                new NodeId(node), List.of(new NodeId("n1")), new TreeSet<>(Set.of(3)), TenantFilter.ALL));
        TopologyChange change = new TopologyChange(id, ChangeType.ADD_NODE, new NodeId(node), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, streams, now, now, Optional.empty(), Optional.empty(), Optional.empty());
        return changes.start(change, List.of(), node(node, NodeState.BOOTSTRAPPING), epoch - 1, "coord-b", LEASE);
    }

    @Test
    public void aBegunRunIsStoredRunningAndLeased() {
        RepairStore.Begin begin = runs.begin(run("r1", Optional.of(ACME), false), "coord-a", LEASE);

        assertThat(begin).isInstanceOfSatisfying(RepairStore.Begin.Begun.class, begun -> {
            RepairRun run = begun.run();
            assertThat(run.state()).isEqualTo(RepairRun.State.RUNNING);
            assertThat(run.lease()).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("coord-a"));
            assertThat(run.tenant()).contains(ACME);
            assertThat(run.node()).contains(new NodeId("n1"));
            assertThat(run.rangesTotal()).isEqualTo(12);
            assertThat(run.startedAt()).isEqualTo(now);
            assertThat(runs.find("r1")).contains(run);
        });
        assertThat(runs.find("r9")).isEmpty();
    }

    @Test
    public void aRunDoesNotBeginAtAnOldEpochNorWhileAChangeIsInProgress() {
        RepairRun planned = run("r1", Optional.empty(), false);
        ChangeStore.Start start = addNode("n4");
        assertThat(start).isInstanceOf(ChangeStore.Start.Started.class);

        assertThat(runs.begin(planned, "coord-a", LEASE)).isEqualTo(new RepairStore.Begin.EpochMoved(nodes.epoch()));
        assertThat(runs.begin(run("r2", Optional.empty(), false), "coord-a", LEASE))
                .isEqualTo(new RepairStore.Begin.ChangeInFlight(((ChangeStore.Start.Started) start).change().id()));
        assertThat(runs.list(10)).isEmpty();
    }

    @Test
    public void aChangeIsRefusedWhileARunThatWritesIsRunningAndStartsOnceItFinished() {
        runs.begin(run("r1", Optional.of(ACME), false), "coord-a", LEASE);

        assertThat(addNode("n4")).isInstanceOfSatisfying(ChangeStore.Start.RepairRunning.class, refused -> {
            assertThat(refused.run()).isEqualTo("r1");
            assertThat(refused.reason()).contains("r1", "tenant acme");
        });
        assertThat(changes.inProgress()).isEmpty();
        assertThat(nodes.find(new NodeId("n4"))).isEmpty();

        assertThat(runs.finish("r1", "coord-a", RepairRun.State.DONE, 12, 7, 70_000, now.plusSeconds(1)))
                .isEqualTo(ChangeStore.Held.HELD);
        assertThat(addNode("n4")).isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(runs.find("r1")).hasValueSatisfying(r -> {
            assertThat(r.state()).isEqualTo(RepairRun.State.DONE);
            assertThat(r.rangesDone()).isEqualTo(12);
            assertThat(r.keysRepaired()).isEqualTo(7);
            assertThat(r.bytesMoved()).isEqualTo(70_000);
            assertThat(r.finishedAt()).contains(now.plusSeconds(1));
            assertThat(r.lease()).isEmpty();
        });
    }

    @Test
    public void aDryRunExcludesNoChange() {
        runs.begin(run("r1", Optional.empty(), true), "coord-a", LEASE);

        assertThat(addNode("n4")).isInstanceOf(ChangeStore.Start.Started.class);
    }

    @Test
    public void aRunWhoseLeaseRanOutNoLongerHoldsChangesBackAndCannotGoOn() {
        runs.begin(run("r1", Optional.empty(), false), "coord-a", LEASE);
        expireLeases();

        assertThat(addNode("n4")).isInstanceOf(ChangeStore.Start.Started.class);
        assertThat(runs.progress("r1", "coord-a", 3, 1, 300, LEASE)).isEqualTo(ChangeStore.Held.LOST);
        // its holder still records how it ended
        assertThat(runs.finish("r1", "coord-a", RepairRun.State.STOPPED, 3, 1, 300, now))
                .isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.find("r1").orElseThrow().state()).isEqualTo(RepairRun.State.STOPPED);
    }

    @Test
    public void onlyTheHolderRecordsProgressAndEndsARun() {
        runs.begin(run("r1", Optional.empty(), false), "coord-a", LEASE);

        assertThat(runs.progress("r1", "coord-b", 3, 1, 300, LEASE)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.finish("r1", "coord-b", RepairRun.State.DONE, 3, 1, 300, now)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.progress("r1", "coord-a", 4, 2, 4_096, LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.find("r1")).hasValueSatisfying(r -> {
            assertThat(r.rangesDone()).isEqualTo(4);
            assertThat(r.keysRepaired()).isEqualTo(2);
            assertThat(r.bytesMoved()).isEqualTo(4_096);
            assertThat(r.state()).isEqualTo(RepairRun.State.RUNNING);
        });
        assertThat(runs.finish("r1", "coord-a", RepairRun.State.DONE, 12, 2, 9_000, now)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.finish("r1", "coord-a", RepairRun.State.DONE, 12, 2, 9_000, now)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.progress("r1", "coord-a", 12, 2, 9_000, LEASE)).isEqualTo(ChangeStore.Held.LOST);
    }

    private static RepairedRange range(String tenant, long start, long end) {
        return new RepairedRange(new TenantId(tenant), new TokenRange(new Token(start), new Token(end)));
    }

    @Test
    public void eachRangeIsRecordedOnceAndOnlyByTheHolder() {
        runs.begin(run("r1", Optional.empty(), false), "coord-a", LEASE);
        // tokens above 2^63 are negative longs
        RepairedRange high = range("acme", Long.MIN_VALUE + 5, -7);

        assertThat(runs.rangeDone("r1", "coord-a", high, Optional.empty(), 3, 1_000, LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.rangeDone("r1", "coord-a", range("other", 1, 2), Optional.empty(), 0, 200, LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.rangeDone("r1", "coord-a", high, Optional.empty(), 3, 1_000, LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.rangeDone("r1", "coord-b", range("acme", 2, 3), Optional.empty(), 1, 50, LEASE)).isEqualTo(ChangeStore.Held.LOST);

        assertThat(runs.rangesDone("r1")).containsExactlyInAnyOrder(high, range("other", 1, 2));
        assertThat(runs.rangesDone("r9")).isEmpty();
        assertThat(runs.find("r1")).hasValueSatisfying(r -> {
            assertThat(r.rangesDone()).isEqualTo(2);
            assertThat(r.keysRepaired()).isEqualTo(3);
            assertThat(r.bytesMoved()).as("a range recorded twice counts once").isEqualTo(1_200);
        });
        assertThat(runs.abandoned()).isEmpty();
    }

    @Test
    public void theHistoryKeepsEachRangesLatestRepairOnlyFromTheHolderAndOnlyWhenGiven() {
        runs.begin(run("r1", Optional.empty(), false), "coord-a", LEASE);
        RepairedRange high = range("acme", Long.MIN_VALUE + 5, -7);
        Instant earlier = now.minusSeconds(60);
        assertThat(runs.repairedRanges()).isEmpty();

        runs.rangeDone("r1", "coord-a", high, Optional.of(now), 1, 10, LEASE);
        // the same range again with an earlier time (another run's, finishing late) does not set it back
        runs.rangeDone("r1", "coord-a", high, Optional.of(earlier), 0, 0, LEASE);
        runs.rangeDone("r1", "coord-a", range("acme", 1, 2), Optional.empty(), 0, 0, LEASE);
        runs.rangeDone("r1", "coord-a", range("other", 1, 2), Optional.of(earlier), 0, 0, LEASE);
        assertThat(runs.rangeDone("r1", "coord-b", range("acme", 2, 3), Optional.of(now), 0, 0, LEASE))
                .isEqualTo(ChangeStore.Held.LOST);

        assertThat(runs.repairedRanges()).containsExactlyInAnyOrder(
                new RangeRepairedAsOf(new TenantId("acme"), high.range(), now),
                new RangeRepairedAsOf(new TenantId("other"), new TokenRange(new Token(1), new Token(2)), earlier));

        runs.begin(run("r2", Optional.empty(), false), "coord-b", LEASE);
        runs.rangeDone("r2", "coord-b", high, Optional.of(now.plusSeconds(5)), 0, 0, LEASE);
        assertThat(runs.repairedRanges()).contains(
                new RangeRepairedAsOf(new TenantId("acme"), high.range(), now.plusSeconds(5)));

        // a holder whose lease ran out records nothing, not even a later time for a range already there
        expireLeases();
        assertThat(runs.rangeDone("r2", "coord-b", high, Optional.of(now.plusSeconds(50)), 0, 0, LEASE))
                .isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.repairedRanges()).contains(
                new RangeRepairedAsOf(new TenantId("acme"), high.range(), now.plusSeconds(5)));
    }

    @Test
    public void aHistoryEntryIsForgottenOnlyAsOfTheTimeGivenAndOnce() {
        runs.begin(run("r1", Optional.empty(), false), "coord-a", LEASE);
        RepairedRange a = range("acme", 1, 2);
        RepairedRange b = range("acme", 2, 3);
        RepairedRange c = range("other", Long.MIN_VALUE + 5, -7);
        for (RepairedRange r : List.of(a, b, c)) {
            runs.rangeDone("r1", "coord-a", r, Optional.of(now), 0, 0, LEASE);
        }
        List<RangeRepairedAsOf> read = runs.repairedRanges();
        RangeRepairedAsOf aAsRead = read.stream().filter(e -> e.range().equals(a.range())).findFirst().orElseThrow();
        RangeRepairedAsOf bAsRead = read.stream().filter(e -> e.range().equals(b.range())).findFirst().orElseThrow();
        RangeRepairedAsOf cAsRead = read.stream().filter(e -> e.tenant().equals(c.tenant())).findFirst().orElseThrow();
        // b is repaired again after it was read: the entry read is out of date and stays
        runs.rangeDone("r1", "coord-a", b, Optional.of(now.plusSeconds(30)), 0, 0, LEASE);

        assertThat(runs.forgetRepairedRanges(List.of(aAsRead, bAsRead, cAsRead))).isEqualTo(2);

        assertThat(runs.repairedRanges()).containsExactly(
                new RangeRepairedAsOf(new TenantId("acme"), b.range(), now.plusSeconds(30)));
        assertThat(runs.forgetRepairedRanges(List.of(aAsRead, cAsRead))).as("once").isZero();
        assertThat(runs.forgetRepairedRanges(List.of())).isZero();
    }

    @Test
    public void anAbandonedRunIsTakenOverOnceWithItsRangesAndItsFormerHolderCannotGoOn() {
        runs.begin(run("r1", Optional.of(ACME), false), "coord-a", LEASE);
        runs.rangeDone("r1", "coord-a", range("acme", 1, 2), Optional.empty(), 4, 800, LEASE);
        expireLeases();

        assertThat(runs.abandoned()).extracting(RepairRun::id).containsExactly("r1");
        // a count read before another range was recorded is stale
        assertThat(runs.takeOver("r1", "coord-b", LEASE, 0, 12, now)).isEqualTo(new RepairStore.TakeOver.NotAbandoned());
        RepairStore.TakeOver taken = runs.takeOver("r1", "coord-b", LEASE, 1, 11, now);

        assertThat(taken).isInstanceOfSatisfying(RepairStore.TakeOver.TakenOver.class, t -> {
            assertThat(t.run().state()).isEqualTo(RepairRun.State.RUNNING);
            assertThat(t.run().lease()).hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("coord-b"));
            assertThat(t.run().rangesDone()).isEqualTo(1);
            assertThat(t.run().rangesTotal()).isEqualTo(11);
            assertThat(t.run().keysRepaired()).isEqualTo(4);
            assertThat(t.run().bytesMoved()).isEqualTo(800);
        });
        assertThat(runs.abandoned()).isEmpty();
        assertThat(runs.takeOver("r1", "coord-c", LEASE, 1, 11, now)).isEqualTo(new RepairStore.TakeOver.NotAbandoned());
        assertThat(runs.rangeDone("r1", "coord-a", range("acme", 2, 3), Optional.empty(), 1, 10, LEASE)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.progress("r1", "coord-a", 2, 5, 810, LEASE)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(runs.rangeDone("r1", "coord-b", range("acme", 3, 4), Optional.empty(), 2, 20, LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.rangesDone("r1")).containsExactlyInAnyOrder(range("acme", 1, 2), range("acme", 3, 4));
        // the taken-over run holds changes back again
        assertThat(addNode("n4")).isInstanceOf(ChangeStore.Start.RepairRunning.class);
        assertThat(runs.finish("r1", "coord-b", RepairRun.State.DONE, 2, 6, 820, now)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(runs.takeOver("r1", "coord-c", LEASE, 2, 2, now)).isEqualTo(new RepairStore.TakeOver.NotAbandoned());
    }

    @Test
    public void aRunAbandonedBeforeTheRingMovedIsStoppedRatherThanTakenOver() {
        runs.begin(run("r1", Optional.of(ACME), false), "coord-a", LEASE);
        runs.rangeDone("r1", "coord-a", range("acme", 1, 2), Optional.empty(), 0, 0, LEASE);
        expireLeases();
        assertThat(addNode("n4")).isInstanceOf(ChangeStore.Start.Started.class);

        RepairStore.TakeOver outcome = runs.takeOver("r1", "coord-b", LEASE, 1, 12, now.plusSeconds(9));

        assertThat(outcome).isInstanceOfSatisfying(RepairStore.TakeOver.RingMoved.class, moved -> {
            assertThat(moved.epoch()).isEqualTo(nodes.epoch());
            assertThat(moved.stopped().state()).isEqualTo(RepairRun.State.STOPPED);
            assertThat(moved.stopped().finishedAt()).contains(now.plusSeconds(9));
            assertThat(moved.stopped().lease()).isEmpty();
        });
        assertThat(runs.find("r1").orElseThrow().state()).isEqualTo(RepairRun.State.STOPPED);
        assertThat(runs.abandoned()).isEmpty();
    }

    @Test
    public void listsTheNewestRunsFirst() {
        runs.begin(run("r1", Optional.empty(), true), "coord-a", LEASE);
        runs.begin(run("r2", Optional.empty(), true), "coord-a", LEASE);
        runs.begin(run("r3", Optional.empty(), true), "coord-a", LEASE);

        assertThat(runs.list(2)).extracting(RepairRun::id).containsExactly("r3", "r2");
    }
}
