package io.pairdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryRepairStore;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.PlanRangeStreams;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepairTenantsTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final NodeId N1 = new NodeId("n1");
    private static final int KEYS = 400;

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore nodes = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(nodes, clock);
    private final InMemoryTenantStore tenantStore = new InMemoryTenantStore();
    private final TenantService tenants = new TenantService(tenantStore, topology, clock, new RecordingEvents(),
            new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
    private final InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
    private final InMemoryStorageRanges data = new InMemoryStorageRanges();
    private final List<RangeRepairOutcome> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final InMemoryRepairStore runs = new InMemoryRepairStore(changes, clock);
    private final List<Long> prunedTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final RepairTenants repair = repairOver(data, new RepairEvents() {
        @Override
        public void rangeDone(TenantId tenant, RangeRepairOutcome outcome, boolean dryRun) {
            reported.add(outcome);
        }

        @Override
        public void historyPruned(int forgotten, Optional<RuntimeException> failure) {
            assertThat(failure).isEmpty();
            prunedTimes.add((long) forgotten);
        }
    });

    @BeforeEach
    void fiveNodesAndATenantAtRf3WithEveryKeyOnItsReplicasButN1MissingSome() {
        for (int i = 1; i <= 5; i++) {
            topology.register(new NodeId("n" + i), "10.0.0." + i, 7000, 8);
        }
        tenantStore.insert(new Tenant(ACME, 3, clock.now(), clock.now(), 1));
        for (int i = 0; i < KEYS; i++) {
            String key = "k" + i;
            for (StorageNode replica : replicas(key)) {
                if (!(replica.id().equals(N1) && i % 3 == 0)) {
                    data.put(replica.id(), ACME, key, Version.of("v".getBytes(StandardCharsets.UTF_8),
                            VectorClock.of("c1", 1), 1));
                }
            }
        }
    }

    @Test
    void afterARepairEveryKeyIsOnAllItsReplicasAndNowhereElse() {
        long missing = missingCopies();
        assertThat(missing).isPositive();

        RepairTenants.Outcome outcome = repair.repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done -> {
            assertThat(done.total().entriesWritten()).isEqualTo(missing);
            assertThat(done.total().keysDiffering()).isEqualTo(missing);
            assertThat(done.tenants().getFirst().failed()).isEmpty();
        });
        assertThat(missingCopies()).isZero();
        assertThat(reported).hasSize(((RepairTenants.Outcome.Done) outcome).tenants().getFirst().ranges())
                .allSatisfy(o -> assertThat(o).isInstanceOf(RangeRepairOutcome.Repaired.class));
        assertThat(reported.stream().mapToLong(o -> o.report().entriesWritten()).sum()).isEqualTo(missing);
        for (int i = 1; i <= 5; i++) {
            NodeId node = new NodeId("n" + i);
            assertThat(data.held(node).keySet()).allSatisfy(position ->
                    assertThat(replicas(position.key()).stream().map(StorageNode::id)).contains(node));
        }
    }

    @Test
    void theHistoryGetsEachRangeMadeEqualAsOfItsComparisonNotThoseThatFailedNorThoseOfADryRun() {
        Tenant acme = tenants.find(ACME).orElseThrow();
        clock.advance(Duration.ofHours(1));
        assertThat(repair.repair(Optional.of(ACME), Optional.empty(), true)).isInstanceOf(RepairTenants.Outcome.Done.class);
        assertThat(runs.repairedRanges()).as("a dry run").isEmpty();

        data.failScans(new NodeId("n2"), true);
        RepairTenants.Outcome.Done partly = (RepairTenants.Outcome.Done) repair.repair(Optional.of(ACME),
                Optional.empty(), false);
        int failed = partly.tenants().getFirst().failed().size();
        int ranges = partly.tenants().getFirst().ranges();
        assertThat(failed).isPositive().isLessThan(ranges);
        assertThat(runs.repairedRanges()).hasSize(ranges - failed)
                .allSatisfy(r -> assertThat(r.asOf()).isEqualTo(clock.now()));
        assertThat(repair.oldestRepaired(List.of(acme))).as("n2's ranges are not repaired")
                .containsEntry(ACME, acme.createdAt());

        data.failScans(new NodeId("n2"), false);
        clock.advance(Duration.ofMinutes(3));
        repair.repair(Optional.of(ACME), Optional.of(new NodeId("n2")), false);
        assertThat(repair.oldestRepaired(List.of(acme))).as("n2's ranges now, the others three minutes before")
                .containsEntry(ACME, clock.now().minus(Duration.ofMinutes(3)));
    }

    /**
     * Every topology change gives the ring new ranges; without pruning, the history would keep every
     * ring's ranges for good and every reading of it would read them all.
     */
    @Test
    void aRunThatRepairedTodaysRingForgetsTheHistoryOfTheRingBefore() {
        clock.advance(Duration.ofMinutes(1));
        assertThat(repair.repair(Optional.of(ACME), Optional.empty(), false)).isInstanceOf(RepairTenants.Outcome.Done.class);
        var before = ringRanges();
        assertThat(runs.repairedRanges()).extracting(RangeRepairedAsOf::range).containsExactlyInAnyOrderElementsOf(before);
        topology.register(new NodeId("n6"), "10.0.0.6", 7000, 8);
        var today = ringRanges();
        assertThat(today).as("the ring moved").isNotEqualTo(before);
        clock.advance(Duration.ofHours(1));
        java.time.Instant secondRun = clock.now();

        assertThat(repair.repair(Optional.of(ACME), Optional.empty(), false)).isInstanceOf(RepairTenants.Outcome.Done.class);

        assertThat(runs.repairedRanges()).as("the ranges of the ring before are gone")
                .extracting(RangeRepairedAsOf::range).containsExactlyInAnyOrderElementsOf(today);
        assertThat(runs.repairedRanges()).allSatisfy(r -> assertThat(r.asOf()).isAfterOrEqualTo(secondRun));
        assertThat(prunedTimes).containsExactly(0L, before.stream().filter(r -> !today.contains(r)).count());
    }

    private List<io.pairdb.core.ring.TokenRange> ringRanges() {
        return topology.refresh().currentRing().ranges().stream().map(io.pairdb.core.ring.Ring.OwnedRange::range).toList();
    }

    @Test
    void rangesInParallelAreComparedThatManyAtOnceNeverMoreAndEachRecordedOnce() {
        long missing = missingCopies();
        int parallel = 4;
        RepairTenants fourAtOnce = new RepairTenants(topology, tenants, runs, new RepairRange(data, RepairSettings.DEFAULTS),
                (tenant, outcome, dryRun) -> reported.add(outcome), clock,
                new RepairTenants.Runner("coord-a", Duration.ofMinutes(1), parallel),
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()));
        AtomicInteger comparing = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch firstFour = new CountDownLatch(parallel);
        RepairTenants.Pacing watching = new RepairTenants.Pacing() {
            @Override
            public boolean beforeRange() {
                most.accumulateAndGet(comparing.incrementAndGet(), Math::max);
                // the first ranges wait (boundedly) for each other: one at a time, the first waits alone and in vain
                firstFour.countDown();
                try {
                    firstFour.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }

            @Override
            public void afterRange(RepairReport report) {
                comparing.decrementAndGet();
            }
        };

        RepairTenants.Outcome outcome = fourAtOnce.repair(Optional.of(ACME), Optional.empty(), false, watching);

        assertThat(most.get()).as("ranges compared at once at most").isEqualTo(parallel);
        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done -> {
            assertThat(done.total().keysDiffering()).isEqualTo(missing);
            assertThat(done.total().entriesWritten()).isEqualTo(missing);
            int ranges = done.tenants().getFirst().ranges();
            assertThat(ranges).isGreaterThan(parallel);
            assertThat(reported).hasSize(ranges);
            assertThat(runs.rangesDone(done.run())).hasSize(ranges);
            RepairRun stored = runs.find(done.run()).orElseThrow();
            assertThat(stored.state()).isEqualTo(RepairRun.State.DONE);
            assertThat(stored.rangesDone()).isEqualTo(ranges).isEqualTo(stored.rangesTotal());
            assertThat(stored.keysRepaired()).isEqualTo(missing);
            assertThat(stored.bytesMoved()).isPositive().isEqualTo(done.total().bytesMoved());
        });
        assertThat(missingCopies()).isZero();
    }

    @Test
    void rangesInParallelNeedSomewhereToRun() {
        assertThatThrownBy(() -> new RepairTenants(topology, tenants, runs, new RepairRange(data, RepairSettings.DEFAULTS),
                RepairEvents.NONE, clock, new RepairTenants.Runner("coord-a", Duration.ofMinutes(1), 2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepairTenants.Runner("coord-a", Duration.ofMinutes(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDryRunCountsTheMissingCopiesAndWritesNothing() {
        long missing = missingCopies();

        RepairTenants.Outcome outcome = repair.repair(Optional.empty(), Optional.empty(), true);

        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done -> {
            assertThat(done.dryRun()).isTrue();
            assertThat(done.total().keysDiffering()).isEqualTo(missing);
            assertThat(done.total().entriesWritten()).isZero();
        });
        assertThat(missingCopies()).isEqualTo(missing);
    }

    @Test
    void repairingOneNodesRangesLeavesTheOthersAlone() {
        NodeId n2 = new NodeId("n2");
        // n2 misses keys too, some of them in ranges n1 does not replicate
        for (int i = 0; i < KEYS; i++) {
            String key = "k" + i;
            List<NodeId> ids = replicas(key).stream().map(StorageNode::id).toList();
            if (ids.contains(n2) && !ids.contains(N1) && i % 2 == 0) {
                data.remove(n2, ACME, key);
            }
        }
        long n2MissingOutsideN1 = missingCopiesOn(n2, false);
        assertThat(n2MissingOutsideN1).isPositive();

        repair.repair(Optional.of(ACME), Optional.of(N1), false);

        assertThat(missingCopiesOn(N1, true)).isZero();
        assertThat(missingCopiesOn(n2, false)).isEqualTo(n2MissingOutsideN1);
    }

    @Test
    void refusesAnUnknownTenantOrNode() {
        assertThat(repair.repair(Optional.of(new TenantId("nobody")), Optional.empty(), false))
                .isEqualTo(new RepairTenants.Outcome.TenantNotFound(new TenantId("nobody")));
        assertThat(repair.repair(Optional.empty(), Optional.of(new NodeId("n9")), false))
                .isEqualTo(new RepairTenants.Outcome.NodeNotFound(new NodeId("n9")));
    }

    @Test
    void isRefusedWhileATopologyChangeIsInFlightAndWritesNothing() {
        long missing = missingCopies();
        StorageNode joining = new StorageNode(new NodeId("n6"), "10.0.0.6", 7000, 8, NodeState.BOOTSTRAPPING,
                Liveness.UP, clock.now(), clock.now());
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(TopologyView.of(nodes.load()), joining, tenants.list());
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, joining.id(), epoch);
        assertThat(changes.start(new TopologyChange(id, ChangeType.ADD_NODE, joining.id(), ChangeStatus.IN_PROGRESS,
                        epoch, false, 0, plan.streams(), clock.now(), clock.now(), Optional.empty(), Optional.empty(),
                        Optional.empty()), plan.releases(), joining, epoch - 1, "coord-b", Duration.ofMinutes(5)))
                .isInstanceOf(ChangeStore.Start.Started.class);

        assertThat(repair.repair(Optional.of(ACME), Optional.empty(), false))
                .isEqualTo(new RepairTenants.Outcome.ChangeInFlight(id));
        assertThat(missingCopies()).isEqualTo(missing);
    }

    @Test
    void aChangeStartingWhileARepairRunsIsRefusedAndTheRepairFinishes() {
        long missing = missingCopies();
        List<ChangeStore.Start> starts = new java.util.ArrayList<>();
        RepairTenants.Outcome outcome = repairOver(RacingRanges.beforeFirstWrite(data, () -> starts.add(startAddingN6())),
                RepairEvents.NONE).repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(starts).singleElement().isInstanceOfSatisfying(ChangeStore.Start.RepairRunning.class, refused ->
                assertThat(refused.reason()).contains("tenant acme"));
        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done ->
                assertThat(done.total().entriesWritten()).isEqualTo(missing));
        assertThat(missingCopies()).isZero();
        assertThat(changes.inProgress()).isEmpty();
        // the run ended, so the change starts now
        assertThat(startAddingN6()).isInstanceOf(ChangeStore.Start.Started.class);
    }

    @Test
    void aRunIsRecordedWithItsProgressAndEnd() {
        long missing = missingCopies();
        RepairTenants.Outcome outcome = repair.repair(Optional.of(ACME), Optional.empty(), false);

        String id = ((RepairTenants.Outcome.Done) outcome).run();
        assertThat(runs.find(id)).hasValueSatisfying(run -> {
            assertThat(run.state()).isEqualTo(RepairRun.State.DONE);
            assertThat(run.rangesDone()).isEqualTo(run.rangesTotal())
                    .isEqualTo(((RepairTenants.Outcome.Done) outcome).tenants().getFirst().ranges());
            assertThat(run.keysRepaired()).isEqualTo(missing);
            assertThat(run.finishedAt()).isPresent();
            assertThat(run.lease()).isEmpty();
        });
    }

    @Test
    void stopsBeforeItsNextRangeOnceItsLeaseRanOut() {
        RepairTenants.Outcome outcome = repairOver(RacingRanges.beforeFirstWrite(data, runs::expireLeases), RepairEvents.NONE)
                .repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.LeaseLost.class, lost ->
                assertThat(runs.find(lost.sofar().run()).orElseThrow().state()).isEqualTo(RepairRun.State.STOPPED));
        assertThat(missingCopies()).isPositive();
    }

    /**
     * A range whose repair outlasts the run's lease: once the lease ran out a topology change may start
     * (and another coordinator take the run over), so no repair write may follow within the range either.
     */
    @Test
    void stopsWritingWithinARangeOnceItsLeaseRanOut() {
        RepairTenants.Outcome outcome = repairOver(RacingRanges.beforeFirstWrite(data, () -> {
            runs.expireLeases();
            clock.advance(Duration.ofHours(1));
        }), RepairEvents.NONE).repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOf(RepairTenants.Outcome.LeaseLost.class);
        long batchWrites = 0;
        for (int i = 1; i <= 5; i++) {
            batchWrites += data.batchWritesTo(new NodeId("n" + i));
        }
        assertThat(batchWrites).as("the write under way when the lease ran out, and none after it").isEqualTo(1);
    }

    /** A coordinator dying: it stops in the middle of a range and records nothing more, not even its end. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aRangeWhoseReplicaFailedOnceIsTriedAgainLaterInTheRunSoTheRunEndsWithNothingLeftPartial() {
        NodeId n2 = new NodeId("n2");
        data.failScans(n2, true);
        List<RangeRepairOutcome> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RepairTenants healing = repairOver(data, (tenant, outcome, dryRun) -> {
            seen.add(outcome);
            if (outcome instanceof RangeRepairOutcome.ReplicaFailed) {
                // the node is back as soon as one range failed on it
                data.failScans(n2, false);
            }
        });

        RepairTenants.Outcome outcome = healing.repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(seen).filteredOn(o -> o instanceof RangeRepairOutcome.ReplicaFailed).hasSize(1);
        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done ->
                assertThat(done.tenants().getFirst().failed()).as("failed ranges left in the report").isEmpty());
        assertThat(missingCopies()).isZero();
        RepairRun stored = runs.list(1).getFirst();
        assertThat(stored.rangesDone()).isEqualTo(stored.rangesTotal());
    }

    @Test
    void aRangeWhoseReplicaKeepsFailingIsTriedABoundedNumberOfTimesAndReported() {
        NodeId n2 = new NodeId("n2");
        data.failScans(n2, true);
        Map<io.pairdb.core.ring.TokenRange, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();
        RepairTenants failing = repairOver(data, (tenant, outcome, dryRun) -> {
            if (outcome instanceof RangeRepairOutcome.ReplicaFailed) {
                attempts.merge(outcome.range(), 1, Integer::sum);
            }
        });

        RepairTenants.Outcome outcome = failing.repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.Done.class, done -> {
            assertThat(done.tenants().getFirst().failed()).hasSize(attempts.size());
            assertThat(done.tenants().getFirst().ranges()).as("each range counted once")
                    .isEqualTo(runs.list(1).getFirst().rangesTotal());
        });
        assertThat(attempts).isNotEmpty();
        assertThat(attempts.values()).as("attempts per failing range").containsOnly(RepairTenants.RANGE_ATTEMPTS);
        // what `repair status` shows: not DONE, and the failed ranges not among those done, so a
        // coordinator taking the run over would try them again
        RepairRun stored = runs.list(1).getFirst();
        assertThat(stored.state()).isEqualTo(RepairRun.State.STOPPED);
        assertThat(stored.rangesDone()).isEqualTo(stored.rangesTotal() - attempts.size());
        assertThat(runs.rangesDone(stored.id())).extracting(RepairedRange::range).doesNotContainAnyElementsOf(attempts.keySet());
    }

    private static RepairStore neverFinishing(RepairStore store) {
        return (RepairStore) Proxy.newProxyInstance(RepairStore.class.getClassLoader(), new Class<?>[] {RepairStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("finish")) {
                        return ChangeStore.Held.LOST;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Starts a repair of ACME on coord-a that dies in the middle of its {@code rangesBeforeDeath + 1}th range. */
    private RepairRun repairDyingAfter(int rangesBeforeDeath) {
        AtomicInteger compared = new AtomicInteger();
        RepairTenants dying = new RepairTenants(topology, tenants, neverFinishing(runs),
                new RepairRange(data, RepairSettings.DEFAULTS), (tenant, outcome, dryRun) -> {
                    if (compared.incrementAndGet() > rangesBeforeDeath) {
                        throw new Killed();
                    }
                }, clock, new RepairTenants.Runner("coord-a", Duration.ofMinutes(1)));
        assertThatThrownBy(() -> dying.repair(Optional.of(ACME), Optional.empty(), false)).isInstanceOf(Killed.class);
        RepairRun abandoned = runs.list(1).getFirst();
        assertThat(abandoned.state()).isEqualTo(RepairRun.State.RUNNING);
        assertThat(abandoned.rangesDone()).isEqualTo(rangesBeforeDeath);
        return abandoned;
    }

    private RepairTenants repairBy(String coordinator, RepairEvents events) {
        return new RepairTenants(topology, tenants, runs, new RepairRange(data, RepairSettings.DEFAULTS), events, clock,
                new RepairTenants.Runner(coordinator, Duration.ofMinutes(1)));
    }

    @Test
    void aRunWhoseCoordinatorDiedIsResumedByAnotherFromItsFirstUnfinishedRange() {
        long missing = missingCopies();
        RepairRun abandoned = repairDyingAfter(7);
        List<RangeRepairOutcome> comparedByB = new java.util.concurrent.CopyOnWriteArrayList<>();
        RepairTenants b = repairBy("coord-b", (tenant, outcome, dryRun) -> comparedByB.add(outcome));

        // its lease has not run out yet: nobody takes it over
        assertThat(b.resumeAbandoned()).isEmpty();
        runs.expireLeases();
        List<RepairTenants.Resumed> resumed = b.resumeAbandoned();

        assertThat(resumed).singleElement().satisfies(r -> {
            assertThat(r.run().id()).isEqualTo(abandoned.id());
            assertThat(r.outcome()).isInstanceOf(RepairTenants.Outcome.Done.class);
        });
        // the seven recorded ranges were not compared again, the one it died in was
        assertThat(comparedByB).hasSize(abandoned.rangesTotal() - 7);
        assertThat(missingCopies()).isZero();
        assertThat(runs.find(abandoned.id())).hasValueSatisfying(run -> {
            assertThat(run.state()).isEqualTo(RepairRun.State.DONE);
            assertThat(run.rangesDone()).isEqualTo(run.rangesTotal()).isEqualTo(abandoned.rangesTotal());
            assertThat(run.keysRepaired()).isPositive().isLessThanOrEqualTo(missing);
            assertThat(run.lease()).isEmpty();
        });
        assertThat(b.resumeAbandoned()).isEmpty();
    }

    @Test
    void aCoordinatorShuttingDownHandsItsRunOverAtOnceAndAnotherFinishesIt() {
        long missing = missingCopies();
        AtomicInteger comparedByA = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong movedByA = new java.util.concurrent.atomic.AtomicLong();
        RepairTenants[] a = new RepairTenants[1];
        a[0] = repairBy("coord-a", (tenant, outcome, dryRun) -> {
            movedByA.addAndGet(outcome.report().bytesMoved());
            if (comparedByA.incrementAndGet() == 4) {
                a[0].stop();
            }
        });

        RepairTenants.Outcome outcome = a[0].repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOf(RepairTenants.Outcome.HandedOver.class);
        String id = ((RepairTenants.Outcome.HandedOver) outcome).sofar().run();
        assertThat(runs.find(id)).hasValueSatisfying(run -> {
            assertThat(run.state()).isEqualTo(RepairRun.State.RUNNING);
            assertThat(run.rangesDone()).isEqualTo(4);
        });
        assertThat(a[0].resumeAbandoned()).isEmpty();
        // no lease to wait for
        List<RangeRepairOutcome> comparedByB = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(repairBy("coord-b", (tenant, o, dryRun) -> comparedByB.add(o)).resumeAbandoned()).hasSize(1);
        RepairRun done = runs.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo(RepairRun.State.DONE);
        assertThat(comparedByB).hasSize(done.rangesTotal() - 4);
        assertThat(done.keysRepaired()).isEqualTo(missing);
        assertThat(done.bytesMoved()).as("what both coordinators moved")
                .isEqualTo(movedByA.get() + comparedByB.stream().mapToLong(o -> o.report().bytesMoved()).sum());
        assertThat(missingCopies()).isZero();
    }

    @Test
    void aRunWhoseCoordinatorDiedBeforeTheRingMovedIsStoppedNotResumed() {
        RepairRun abandoned = repairDyingAfter(3);
        runs.expireLeases();
        nodes.bumpEpoch();
        List<RangeRepairOutcome> comparedByB = new java.util.concurrent.CopyOnWriteArrayList<>();

        List<RepairTenants.Resumed> resumed = repairBy("coord-b", (tenant, outcome, dryRun) -> comparedByB.add(outcome))
                .resumeAbandoned();

        assertThat(resumed).singleElement().satisfies(r ->
                assertThat(r.outcome()).isInstanceOf(RepairTenants.Outcome.TopologyChanged.class));
        assertThat(comparedByB).isEmpty();
        assertThat(runs.find(abandoned.id()).orElseThrow().state()).isEqualTo(RepairRun.State.STOPPED);
    }

    private RepairTenants repairOver(io.pairdb.core.port.StorageRanges ranges, RepairEvents events) {
        return new RepairTenants(topology, tenants, runs, new RepairRange(ranges, RepairSettings.DEFAULTS), events, clock,
                new RepairTenants.Runner("coord-a", Duration.ofMinutes(1)));
    }

    private ChangeStore.Start startAddingN6() {
        StorageNode joining = new StorageNode(new NodeId("n6"), "10.0.0.6", 7000, 8, NodeState.BOOTSTRAPPING,
                Liveness.UP, clock.now(), clock.now());
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(TopologyView.of(nodes.load()), joining, tenants.list());
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, joining.id(), epoch);
        return changes.start(new TopologyChange(id, ChangeType.ADD_NODE, joining.id(), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, plan.streams(), clock.now(), clock.now(), Optional.empty(), Optional.empty(),
                Optional.empty()), plan.releases(), joining, epoch - 1, "coord-b", Duration.ofMinutes(5));
    }

    @Test
    void stopsWhenTheRingChangesUnderIt() {
        // a change bumps the ring epoch while the first range is being repaired
        RepairTenants.Outcome outcome = repairOver(RacingRanges.beforeFirstWrite(data, nodes::bumpEpoch), RepairEvents.NONE)
                .repair(Optional.of(ACME), Optional.empty(), false);

        assertThat(outcome).isInstanceOfSatisfying(RepairTenants.Outcome.TopologyChanged.class, changed ->
                assertThat(changed.nowAtEpoch()).isGreaterThan(changed.startedAtEpoch()));
        assertThat(missingCopies()).isPositive();
    }

    private List<StorageNode> replicas(String key) {
        TopologyView view = topology.current();
        return view.replicasFor(Token.forKey(ACME.value(), key), 3).orElseThrow().natural();
    }

    /** Copies of keys a replica lacks. */
    private long missingCopies() {
        long missing = 0;
        for (int i = 0; i < KEYS; i++) {
            String key = "k" + i;
            KeyPosition position = new KeyPosition(Token.forKey(ACME.value(), key), ACME, key);
            missing += replicas(key).stream().filter(r -> !data.held(r.id()).containsKey(position)).count();
        }
        return missing;
    }

    /** Copies the node lacks of keys in ranges N1 replicates too ({@code withN1}) or in the others. */
    private long missingCopiesOn(NodeId node, boolean withN1) {
        Map<KeyPosition, Entry> held = data.held(node);
        return java.util.stream.IntStream.range(0, KEYS).mapToObj(i -> "k" + i)
                .filter(key -> {
                    Set<NodeId> ids = replicas(key).stream().map(StorageNode::id).collect(Collectors.toSet());
                    return ids.contains(node) && ids.contains(N1) == withN1;
                })
                .filter(key -> !held.containsKey(new KeyPosition(Token.forKey(ACME.value(), key), ACME, key)))
                .count();
    }
}
