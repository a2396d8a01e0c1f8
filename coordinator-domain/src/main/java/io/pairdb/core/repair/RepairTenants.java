package io.pairdb.core.repair;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * On-demand anti-entropy: repairs every range of the ring for one tenant or for every tenant,
 * across each range's natural replicas, or only the ranges one node replicates.
 *
 * <p>Repair and topology changes exclude each other through the {@link RepairStore}: a run
 * begins only with no change in flight, at the ring epoch it planned with, and while it runs
 * (under a lease it renews before each range) the changes it conflicts with are refused. It
 * still stops before its next range if the ring epoch moved or its lease was lost (a change may
 * have started since), because a range's replicas may then be others than the ones it compares.
 * Ranges repaired until then stay repaired (every write was conditional). A range whose replica
 * fails is compared again after the others, up to {@link #RANGE_ATTEMPTS} times in all, and then
 * reported failed; the others go on.
 *
 * <p>Each range is recorded in the store as it finishes. A run whose coordinator died (its lease
 * ran out while it was RUNNING) is taken over by {@link #resumeAbandoned}, on any coordinator, and
 * goes on at the same ring epoch with the ranges not recorded; ranges recorded are not compared
 * again. If the ring moved meanwhile the run ends STOPPED instead: its ranges are no longer the ring's.
 */
public final class RepairTenants {
    /** How an on-demand repair ended. */
    public sealed interface Outcome {
        /** Every range was compared (the failed ones are listed). */
        record Done(String run, boolean dryRun, List<TenantRepair> tenants) implements Outcome {
            public Done {
                Objects.requireNonNull(run, "run");
                tenants = List.copyOf(tenants);
            }

            public RepairReport total() {
                return tenants.stream().map(TenantRepair::report).reduce(RepairReport.NONE, RepairReport::plus);
            }
        }

        record TenantNotFound(TenantId tenant) implements Outcome {
        }

        record NodeNotFound(NodeId node) implements Outcome {
        }

        /** Refused: a topology change is in flight; repair after it ends. */
        record ChangeInFlight(ChangeId change) implements Outcome {
        }

        /** Stopped: the ring changed while the repair ran; what was repaired before stays. */
        record TopologyChanged(long startedAtEpoch, long nowAtEpoch, Done sofar) implements Outcome {
        }

        /**
         * Stopped: the run's lease ran out before it was renewed (this coordinator stalled), so a
         * change may have started; what was repaired before stays.
         */
        record LeaseLost(Done sofar) implements Outcome {
        }

        /**
         * Stopped: this coordinator is shutting down. The run stays RUNNING with its lease given up,
         * so another coordinator (or this one after its restart) resumes it from the ranges recorded.
         */
        record HandedOver(Done sofar) implements Outcome {
        }
    }

    /** A run taken over from a coordinator that died, and how it ended here. */
    public record Resumed(RepairRun run, Outcome outcome) {
        public Resumed {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** One tenant's part of a repair. */
    public record TenantRepair(TenantId tenant, int ranges, List<RangeRepairOutcome.ReplicaFailed> failed,
                               RepairReport report) {
        public TenantRepair {
            failed = List.copyOf(failed);
        }
    }

    /**
     * Who runs repairs here, how long a run's lease lasts between two renewals (one per range), and
     * how many of a run's ranges are compared at once.
     */
    public record Runner(String coordinatorId, Duration lease, int rangesInParallel) {
        public Runner {
            Objects.requireNonNull(coordinatorId, "coordinatorId");
            Objects.requireNonNull(lease, "lease");
            if (!lease.isPositive()) {
                throw new IllegalArgumentException("a repair run's lease must be positive, not " + lease);
            }
            if (rangesInParallel < 1) {
                throw new IllegalArgumentException("a repair compares at least 1 range at a time, not " + rangesInParallel);
            }
        }

        /** One range at a time. */
        public Runner(String coordinatorId, Duration lease) {
            this(coordinatorId, lease, 1);
        }
    }

    /** Called around each range of a run, for a caller that paces its runs or holds something beside them. */
    public interface Pacing {
        /** Before each range; false stops the run there ({@link Outcome.LeaseLost}). May block to pace. */
        boolean beforeRange();

        /** After each range, with what it compared and moved. */
        void afterRange(RepairReport report);

        /** No pacing: every range goes at once. */
        Pacing NONE = new Pacing() {
            @Override
            public boolean beforeRange() {
                return true;
            }

            @Override
            public void afterRange(RepairReport report) {
            }
        };
    }

    private record Work(Tenant tenant, TokenRange range, List<StorageNode> replicas) {
    }

    /**
     * How many times a run compares a range whose replica failed: once in turn, then again after the
     * run's other ranges, before it is reported failed.
     */
    public static final int RANGE_ATTEMPTS = 3;
    private static final int BEGIN_ATTEMPTS = 5;

    private final ClusterTopology topology;
    private final TenantService tenants;
    private final RepairStore runs;
    private final RepairRange repairRange;
    private final RepairEvents events;
    private final Clock clock;
    private final Runner runner;
    private final Executor rangeWorkers;
    private volatile boolean stopping;

    /** A repair that compares one range at a time, on the caller's thread ({@code runner} must say 1). */
    public RepairTenants(ClusterTopology topology, TenantService tenants, RepairStore runs, RepairRange repairRange,
                         RepairEvents events, Clock clock, Runner runner) {
        this(topology, tenants, runs, repairRange, events, clock, runner, task -> {
            throw new IllegalStateException("no executor for ranges in parallel");
        });
        if (runner.rangesInParallel() > 1) {
            throw new IllegalArgumentException("ranges in parallel need an executor for them");
        }
    }

    /**
     * @param rangeWorkers runs the {@link Runner#rangesInParallel() ranges in parallel} beyond the
     *                     caller's own (the caller's thread compares ranges too and waits for them);
     *                     each task it is given compares ranges until the run's are done, so it must
     *                     run each at once, on a thread of its own
     */
    public RepairTenants(ClusterTopology topology, TenantService tenants, RepairStore runs, RepairRange repairRange,
                         RepairEvents events, Clock clock, Runner runner, Executor rangeWorkers) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.repairRange = Objects.requireNonNull(repairRange, "repairRange");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.rangeWorkers = Objects.requireNonNull(rangeWorkers, "rangeWorkers");
    }

    /** Recorded runs, newest first; {@code at} is when they were read, to tell {@link RepairRun#abandoned} ones. */
    public record Runs(List<RepairRun> runs, Instant at) {
        public Runs {
            runs = List.copyOf(runs);
            Objects.requireNonNull(at, "at");
        }
    }

    /** The run named, or the newest {@code limit} runs. */
    public Runs runs(Optional<String> id, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        List<RepairRun> found = id.isPresent() ? runs.find(id.get()).stream().toList() : runs.list(limit);
        return new Runs(found, clock.now());
    }

    /** Repairs (or, in a dry run, compares) and answers when every range is done. Blocks. */
    public Outcome repair(Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun) {
        return repair(tenant, node, dryRun, Pacing.NONE);
    }

    /** {@link #repair(Optional, Optional, boolean)}, paced: {@code pacing} is asked before and told after each range. */
    public Outcome repair(Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun, Pacing pacing) {
        return repair(tenant, node, dryRun, pacing, Optional.empty()).orElseThrow();
    }

    /**
     * Repairs, paced, only those ranges of {@code tenant} not repaired since {@code repairedBefore}
     * by its {@link RepairHistory}: what a schedule owes. Ranges repaired later are left out of the run.
     * Empty, and no run begun, when no such range has replicas to compare (every range was repaired
     * since, or the ring has fewer nodes than the tenant's replication factor).
     */
    public Optional<Outcome> repairOlderThan(TenantId tenant, Instant repairedBefore, Pacing pacing) {
        return repair(Optional.of(tenant), Optional.empty(), false, pacing, Optional.of(repairedBefore));
    }

    /**
     * As of when each chosen tenant's whole ring was last repaired ({@link RepairHistory#oldest}):
     * the age of its least recently repaired range, by the ranges repairs recorded.
     */
    public Map<TenantId, Instant> oldestRepaired(List<Tenant> chosen) {
        Map<TenantId, List<RangeRepairedAsOf>> recorded = recordedByTenant();
        Map<TenantId, Instant> oldest = new LinkedHashMap<>();
        for (Tenant t : chosen) {
            oldest.put(t.id(), RepairHistory.of(recorded.getOrDefault(t.id(), List.of()), t.createdAt()).oldest());
        }
        return oldest;
    }

    private Map<TenantId, List<RangeRepairedAsOf>> recordedByTenant() {
        return runs.repairedRanges().stream().collect(Collectors.groupingBy(RangeRepairedAsOf::tenant));
    }

    /** Empty only for {@code onlyRepairedBefore} with no range left to compare: then no run is begun. */
    private Optional<Outcome> repair(Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun, Pacing pacing,
                                     Optional<Instant> onlyRepairedBefore) {
        Objects.requireNonNull(pacing, "pacing");
        for (int attempt = 1; ; attempt++) {
            TopologyView view = topology.refresh();
            if (node.isPresent() && view.node(node.get()).isEmpty()) {
                return Optional.of(new Outcome.NodeNotFound(node.get()));
            }
            List<Tenant> chosen;
            if (tenant.isPresent()) {
                Optional<Tenant> found = tenants.find(tenant.get());
                if (found.isEmpty()) {
                    return Optional.of(new Outcome.TenantNotFound(tenant.get()));
                }
                chosen = List.of(found.get());
            } else {
                chosen = tenants.list();
            }
            List<Work> work = plan(view, chosen, node);
            if (onlyRepairedBefore.isPresent()) {
                work = olderThan(work, view, onlyRepairedBefore.get());
                if (work.isEmpty()) {
                    return Optional.empty();
                }
            }
            RepairRun planned = RepairRun.starting("repair-" + UUID.randomUUID(), tenant, node, dryRun, view.epoch(),
                    work.size(), clock.now());
            switch (runs.begin(planned, runner.coordinatorId(), runner.lease())) {
                case RepairStore.Begin.Begun begun -> {
                    return Optional.of(run(begun.run(), chosen, work, view.epoch(), pacing));
                }
                case RepairStore.Begin.ChangeInFlight inFlight -> {
                    return Optional.of(new Outcome.ChangeInFlight(inFlight.change()));
                }
                case RepairStore.Begin.EpochMoved moved -> {
                    if (attempt >= BEGIN_ATTEMPTS) {
                        return Optional.of(new Outcome.TopologyChanged(view.epoch(), moved.epoch(),
                                new Outcome.Done(planned.id(), dryRun, List.of())));
                    }
                }
            }
        }
    }

    /**
     * From now on, runs here stop before their next range and give up their lease at once,
     * staying RUNNING for another coordinator to resume ({@link Outcome.HandedOver}); no run is
     * begun or taken over any more. For a coordinator that shuts down.
     */
    public void stop() {
        stopping = true;
    }

    /**
     * Takes over every run whose coordinator died (its lease ran out while RUNNING) and repairs the
     * ranges it had not recorded, one run after the other; answers how each ended. Runs another
     * coordinator takes over first are left to it. Blocks while it repairs.
     */
    public List<Resumed> resumeAbandoned() {
        List<Resumed> resumed = new ArrayList<>();
        for (RepairRun run : runs.abandoned()) {
            if (stopping) {
                break;
            }
            resume(run).ifPresent(resumed::add);
        }
        return resumed;
    }

    private Optional<Resumed> resume(RepairRun run) {
        TopologyView view = topology.refresh();
        List<Tenant> chosen = run.tenant().isPresent() ? tenants.find(run.tenant().get()).stream().toList()
                : tenants.list();
        Set<RepairedRange> done = runs.rangesDone(run.id());
        List<Work> remaining = view.epoch() != run.epoch() ? List.of() : plan(view, chosen, run.node()).stream()
                .filter(w -> !done.contains(new RepairedRange(w.tenant().id(), w.range()))).toList();
        return switch (runs.takeOver(run.id(), runner.coordinatorId(), runner.lease(), done.size(),
                done.size() + remaining.size(), clock.now())) {
            case RepairStore.TakeOver.TakenOver taken ->
                    Optional.of(new Resumed(taken.run(), run(taken.run(), chosen, remaining, run.epoch(), Pacing.NONE)));
            case RepairStore.TakeOver.RingMoved moved -> Optional.of(new Resumed(moved.stopped(),
                    new Outcome.TopologyChanged(run.epoch(), moved.epoch(), new Outcome.Done(run.id(), run.dryRun(),
                            List.of()))));
            case RepairStore.TakeOver.NotAbandoned notAbandoned -> Optional.empty();
        };
    }

    /** Each chosen tenant's ranges (only those {@code node} replicates, if given) with their natural replicas. */
    private static List<Work> plan(TopologyView view, List<Tenant> chosen, Optional<NodeId> node) {
        List<Work> work = new ArrayList<>();
        for (Tenant t : chosen) {
            for (Ring.OwnedRange owned : view.currentRing().ranges()) {
                Optional<List<StorageNode>> replicas = view.replicasFor(owned.range().end(), t.replicationFactor())
                        .map(ReplicaSets::natural);
                if (replicas.isEmpty() || node.isPresent()
                        && replicas.get().stream().noneMatch(r -> r.id().equals(node.get()))) {
                    continue;
                }
                work.add(new Work(t, owned.range(), replicas.get()));
            }
        }
        return work;
    }

    /** Of {@code work}, the ranges whose every token was not repaired since {@code bound}. */
    private List<Work> olderThan(List<Work> work, TopologyView view, Instant bound) {
        List<TokenRange> ring = view.currentRing().ranges().stream().map(Ring.OwnedRange::range).toList();
        Map<TenantId, List<RangeRepairedAsOf>> recorded = recordedByTenant();
        Map<TenantId, RepairHistory> histories = new HashMap<>();
        return work.stream().filter(w -> histories.computeIfAbsent(w.tenant().id(),
                        id -> new RepairHistory(recorded.getOrDefault(id, List.of()), ring, w.tenant().createdAt()))
                .repairedAsOf(w.range()).isBefore(bound)).toList();
    }

    private Outcome run(RepairRun run, List<Tenant> chosen, List<Work> work, long epoch, Pacing pacing) {
        Ranges ranges = new Ranges(run, chosen, work, epoch, pacing);
        boolean handedOver = false;
        try {
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int i = 1; i < Math.min(runner.rangesInParallel(), work.size()); i++) {
                others.add(CompletableFuture.runAsync(ranges::compare, rangeWorkers));
            }
            ranges.compare();
            for (CompletableFuture<Void> other : others) {
                other.join();
            }
            ranges.rethrowFailure();
            handedOver = ranges.ending instanceof Ending.HandedOver;
            return ranges.outcome();
        } finally {
            // the run ends either way (unless handed over), so changes need not wait for its lease to run out
            if (handedOver) {
                runs.progress(run.id(), runner.coordinatorId(), ranges.done, ranges.keys, ranges.bytes, Duration.ZERO);
            } else {
                RepairRun.State state = ranges.ending == null && ranges.failure == null && ranges.failed == 0
                        ? RepairRun.State.DONE : RepairRun.State.STOPPED;
                runs.finish(run.id(), runner.coordinatorId(), state, ranges.done, ranges.keys, ranges.bytes, clock.now());
                if (ranges.ending == null && ranges.failure == null && !run.dryRun()) {
                    // every range compared (some may have failed: their history stays as it was)
                    forgetSupersededHistory(chosen);
                }
            }
        }
    }

    /**
     * Deletes the history entries of the tenants just repaired that decide no range's age any more
     * ({@link RepairHistory#superseded}) — only a run of a tenant records what can supersede its entries:
     * typically those of an earlier ring, repaired again since in today's. Without it every topology
     * change would leave its ranges in the history for good, and every reading of it (the schedule, the
     * age gauge) would read them all. Best
     * effort: a failure is reported and the next run tries again. Two coordinators pruning at once are
     * safe: an entry's time only grows, a delete is conditional on the time read, and entries as late as
     * each other are ordered the same way by both, so no token loses every entry that decides it.
     */
    private void forgetSupersededHistory(List<Tenant> repaired) {
        try {
            Map<TenantId, List<RangeRepairedAsOf>> recorded = recordedByTenant();
            List<RangeRepairedAsOf> forget = new ArrayList<>();
            for (Tenant tenant : repaired) {
                forget.addAll(RepairHistory.superseded(recorded.getOrDefault(tenant.id(), List.of()), tenant.createdAt()));
            }
            events.historyPruned(runs.forgetRepairedRanges(forget), Optional.empty());
        } catch (RuntimeException e) {
            // housekeeping after a run that ended DONE: whatever went wrong, the run's outcome stands
            events.historyPruned(0, Optional.of(e));
        }
    }

    /** Why a run stopped before its last range. */
    private sealed interface Ending {
        record HandedOver() implements Ending {
        }

        record TopologyChanged(long nowAtEpoch) implements Ending {
        }

        record LeaseLost() implements Ending {
        }
    }

    /**
     * A run's ranges, compared by as many workers as the runner allows: each takes the next range,
     * compares it, records it and takes the next, until none is left or one of them found a reason to
     * stop the run (the others then stop before their next range). The bookkeeping is shared under
     * this object's lock; a range is compared outside it.
     */
    private final class Ranges {
        private final RepairRun run;
        private final long epoch;
        private final Pacing pacing;
        private final Deque<Work> queue;
        private final Map<Work, Integer> attempts = new HashMap<>();
        /** Bytes moved by a range's attempts that failed and go again, recorded with the range. */
        private final Map<Work, Long> failedAttemptBytes = new HashMap<>();
        private final Map<TenantId, TenantRepair> byTenant = new LinkedHashMap<>();
        private int done;
        /** When the lease was last renewed (null: not by this worker set yet). */
        private Instant renewedAt;
        /** Ranges that failed on a replica at every attempt: not done, so the run cannot end DONE. */
        private int failed;
        private long keys;
        private long bytes;
        private Ending ending;
        private RuntimeException failure;

        Ranges(RepairRun run, List<Tenant> chosen, List<Work> work, long epoch, Pacing pacing) {
            this.run = run;
            this.epoch = epoch;
            this.pacing = pacing;
            this.queue = new ArrayDeque<>(work);
            chosen.forEach(t -> byTenant.put(t.id(), new TenantRepair(t.id(), 0, List.of(), RepairReport.NONE)));
            this.done = run.rangesDone();
            this.keys = run.keysRepaired();
            this.bytes = run.bytesMoved();
        }

        /** One worker: compares ranges until none is left or the run stops. */
        void compare() {
            try {
                while (true) {
                    Optional<Work> next = next();
                    if (next.isEmpty()) {
                        return;
                    }
                    Work w = next.get();
                    if (!pacing.beforeRange() || !renewed()) {
                        stop(new Ending.LeaseLost());
                        return;
                    }
                    Instant comparedFrom = clock.now();
                    RangeRepairOutcome outcome;
                    try {
                        outcome = repairRange.repair(w.tenant().id(), w.range(), w.replicas(), run.dryRun(),
                                this::mayWrite);
                    } catch (RepairRange.WritesStopped stopped) {
                        stop(new Ending.LeaseLost());
                        return;
                    }
                    events.rangeDone(w.tenant().id(), outcome, run.dryRun());
                    pacing.afterRange(outcome.report());
                    if (!took(w, outcome, comparedFrom)) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }

        /** The next range to compare, or empty when none is left or the run is to stop. */
        private synchronized Optional<Work> next() {
            if (ending != null || failure != null || queue.isEmpty()) {
                return Optional.empty();
            }
            if (stopping) {
                ending = new Ending.HandedOver();
                return Optional.empty();
            }
            long now = topology.refresh().epoch();
            if (now != epoch) {
                ending = new Ending.TopologyChanged(now);
                return Optional.empty();
            }
            return Optional.of(queue.poll());
        }

        private synchronized boolean renewed() {
            Instant asked = clock.now();
            boolean held = ending == null
                    && runs.progress(run.id(), runner.coordinatorId(), done, keys, bytes, runner.lease())
                    == ChangeStore.Held.HELD;
            if (held) {
                renewedAt = asked;
            }
            return held;
        }

        /**
         * Whether a repair write may go out now: the lease was renewed less than a third of its length ago,
         * or is renewed now. A range can take longer than the lease, and once it ran out a topology change
         * may start, or another coordinator take the run over.
         */
        private synchronized boolean mayWrite() {
            if (ending != null) {
                return false;
            }
            if (renewedAt != null && clock.now().isBefore(renewedAt.plus(runner.lease().dividedBy(3)))) {
                return true;
            }
            if (!renewed()) {
                stop(new Ending.LeaseLost());
                return false;
            }
            return true;
        }

        private synchronized void stop(Ending why) {
            if (ending == null) {
                ending = why;
            }
        }

        /**
         * Takes in a range compared from {@code comparedFrom} on; false if the run lost its lease
         * recording it. A range made equal on all its replicas goes into the tenant's history.
         */
        private synchronized boolean took(Work w, RangeRepairOutcome outcome, Instant comparedFrom) {
            // a failed range goes to the back of the run, so a replica that was briefly away gets time to return
            boolean again = outcome instanceof RangeRepairOutcome.ReplicaFailed
                    && attempts.merge(w, 1, Integer::sum) < RANGE_ATTEMPTS;
            byTenant.computeIfPresent(w.tenant().id(), (id, sofar) -> {
                List<RangeRepairOutcome.ReplicaFailed> failed = new ArrayList<>(sofar.failed());
                if (outcome instanceof RangeRepairOutcome.ReplicaFailed f && !again) {
                    failed.add(f);
                }
                return new TenantRepair(id, sofar.ranges() + (again ? 0 : 1), failed,
                        sofar.report().plus(outcome.report()));
            });
            long moved = outcome.report().bytesMoved();
            if (again) {
                failedAttemptBytes.merge(w, moved, Long::sum);
                queue.addLast(w);
                return true;
            }
            long rangeBytes = moved + Optional.ofNullable(failedAttemptBytes.remove(w)).orElse(0L);
            long rangeKeys = outcome.report().keysDiffering();
            boolean rangeFailed = outcome instanceof RangeRepairOutcome.ReplicaFailed;
            Instant asked = clock.now();
            // both record the range's figures and extend the lease; a failed range is not recorded as done:
            // `repair status` must not say DONE over it, and a coordinator that takes the run over tries it again
            ChangeStore.Held recorded = rangeFailed
                    ? runs.progress(run.id(), runner.coordinatorId(), done, keys + rangeKeys, bytes + rangeBytes,
                            runner.lease())
                    : runs.rangeDone(run.id(), runner.coordinatorId(), new RepairedRange(w.tenant().id(), w.range()),
                            repairedAsOf(outcome, comparedFrom), rangeKeys, rangeBytes, runner.lease());
            if (recorded == ChangeStore.Held.LOST) {
                stop(new Ending.LeaseLost());
                return false;
            }
            renewedAt = asked;
            if (rangeFailed) {
                failed++;
            } else {
                done++;
            }
            keys += rangeKeys;
            bytes += rangeBytes;
            return true;
        }

        /** When the range was made equal on all its replicas, if it was: it goes into the tenant's history. */
        private Optional<Instant> repairedAsOf(RangeRepairOutcome outcome, Instant comparedFrom) {
            return !run.dryRun() && outcome instanceof RangeRepairOutcome.Repaired
                    ? Optional.of(comparedFrom) : Optional.empty();
        }

        synchronized void rethrowFailure() {
            if (failure != null) {
                throw failure;
            }
        }

        synchronized Outcome outcome() {
            Outcome.Done sofar = new Outcome.Done(run.id(), run.dryRun(), List.copyOf(byTenant.values()));
            return switch (ending) {
                case null -> sofar;
                case Ending.HandedOver handedOver -> new Outcome.HandedOver(sofar);
                case Ending.TopologyChanged moved -> new Outcome.TopologyChanged(epoch, moved.nowAtEpoch(), sofar);
                case Ending.LeaseLost lost -> new Outcome.LeaseLost(sofar);
            };
        }
    }
}
