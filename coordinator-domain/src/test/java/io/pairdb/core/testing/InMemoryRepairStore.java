package io.pairdb.core.testing;

import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.repair.RepairedRange;
import io.pairdb.core.topology.ChangeConflicts;
import io.pairdb.core.topology.Lease;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Repair runs in memory beside an {@link InMemoryChangeStore}, whose starts they guard. Leases run on the given clock. */
public final class InMemoryRepairStore implements RepairStore {
    private final InMemoryChangeStore changes;
    private final Clock clock;
    private final Map<String, RepairRun> runs = new LinkedHashMap<>();
    private final Map<String, Set<RepairedRange>> done = new HashMap<>();
    private final Map<RepairedRange, Instant> history = new LinkedHashMap<>();

    public InMemoryRepairStore(InMemoryChangeStore changes, Clock clock) {
        this.changes = changes;
        this.clock = clock;
        changes.guardStarts(this::conflictingRun);
    }

    /** Lets every lease taken so far run out. */
    public void expireLeases() {
        changes.locked(() -> {
            runs.replaceAll((id, r) -> r.lease().isEmpty() ? r : with(r, r.state(), r.rangesDone(), r.keysRepaired(),
                    r.bytesMoved(), r.finishedAt(), Optional.of(new Lease(r.lease().get().owner(), Instant.MIN))));
            return null;
        });
    }

    /** Called by the change store under its lock, at every start. */
    private Optional<ChangeStore.Start> conflictingRun(TopologyChange change) {
        Instant now = clock.now();
        for (RepairRun run : runs.values()) {
            if (run.lease().isPresent() && run.lease().get().expiresAt().isAfter(now)) {
                Optional<String> reason = ChangeConflicts.withRepair(change, run);
                if (reason.isPresent()) {
                    return Optional.of(new ChangeStore.Start.RepairRunning(run.id(), reason.get()));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Begin begin(RepairRun run, String owner, Duration lease) {
        return changes.locked(() -> {
            if (changes.ringEpoch() != run.epoch()) {
                return new Begin.EpochMoved(changes.ringEpoch());
            }
            List<TopologyChange> inFlight = changes.inProgress();
            if (!inFlight.isEmpty()) {
                return new Begin.ChangeInFlight(inFlight.getFirst().id());
            }
            if (runs.containsKey(run.id()) || run.state() != RepairRun.State.RUNNING) {
                throw new IllegalArgumentException("repair run " + run.id() + " exists or is not RUNNING");
            }
            RepairRun stored = with(run, RepairRun.State.RUNNING, 0, 0, 0, Optional.empty(),
                    Optional.of(new Lease(owner, clock.now().plus(lease))));
            runs.put(stored.id(), stored);
            return new Begin.Begun(stored);
        });
    }

    @Override
    public ChangeStore.Held progress(String id, String owner, int rangesDone, long keysRepaired, long bytesMoved,
                                     Duration lease) {
        return changes.locked(() -> {
            RepairRun run = runs.get(id);
            Instant now = clock.now();
            if (!holds(run, owner) || !run.lease().get().expiresAt().isAfter(now)) {
                return ChangeStore.Held.LOST;
            }
            runs.put(id, with(run, run.state(), rangesDone, keysRepaired, bytesMoved, Optional.empty(),
                    Optional.of(new Lease(owner, now.plus(lease)))));
            return ChangeStore.Held.HELD;
        });
    }

    @Override
    public ChangeStore.Held finish(String id, String owner, RepairRun.State state, int rangesDone, long keysRepaired,
                                   long bytesMoved, Instant at) {
        if (state == RepairRun.State.RUNNING) {
            throw new IllegalArgumentException("a run ends DONE or STOPPED");
        }
        return changes.locked(() -> {
            RepairRun run = runs.get(id);
            if (!holds(run, owner)) {
                return ChangeStore.Held.LOST;
            }
            runs.put(id, with(run, state, rangesDone, keysRepaired, bytesMoved, Optional.of(at), Optional.empty()));
            return ChangeStore.Held.HELD;
        });
    }

    @Override
    public ChangeStore.Held rangeDone(String id, String owner, RepairedRange range, Optional<Instant> repairedAsOf,
                                      long keysRepaired, long bytesMoved, Duration lease) {
        return changes.locked(() -> {
            RepairRun run = runs.get(id);
            Instant now = clock.now();
            if (!holds(run, owner) || !run.lease().get().expiresAt().isAfter(now)) {
                return ChangeStore.Held.LOST;
            }
            boolean added = done.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(range);
            repairedAsOf.ifPresent(at -> history.merge(range, at, (was, later) -> later.isAfter(was) ? later : was));
            runs.put(id, with(run, run.state(), run.rangesDone() + (added ? 1 : 0), run.keysRepaired() + (added ? keysRepaired : 0),
                    run.bytesMoved() + (added ? bytesMoved : 0), Optional.empty(), Optional.of(new Lease(owner, now.plus(lease)))));
            return ChangeStore.Held.HELD;
        });
    }

    @Override
    public Set<RepairedRange> rangesDone(String id) {
        return changes.locked(() -> Set.copyOf(done.getOrDefault(id, Set.of())));
    }

    @Override
    public List<RangeRepairedAsOf> repairedRanges() {
        return changes.locked(() -> history.entrySet().stream()
                .map(e -> new RangeRepairedAsOf(e.getKey().tenant(), e.getKey().range(), e.getValue())).toList());
    }

    @Override
    public int forgetRepairedRanges(List<RangeRepairedAsOf> entries) {
        return changes.locked(() -> {
            int forgotten = 0;
            for (RangeRepairedAsOf e : entries) {
                RepairedRange range = new RepairedRange(e.tenant(), e.range());
                Instant at = history.get(range);
                if (at != null && !at.isAfter(e.asOf())) {
                    history.remove(range);
                    forgotten++;
                }
            }
            return forgotten;
        });
    }

    @Override
    public List<RepairRun> abandoned() {
        return changes.locked(() -> runs.values().stream().filter(r -> r.abandoned(clock.now())).toList());
    }

    @Override
    public TakeOver takeOver(String id, String owner, Duration lease, int rangesDone, int rangesTotal, Instant at) {
        return changes.locked(() -> {
            RepairRun run = runs.get(id);
            if (run == null || !run.abandoned(clock.now()) || run.rangesDone() != rangesDone) {
                return new TakeOver.NotAbandoned();
            }
            if (changes.ringEpoch() != run.epoch() || !changes.inProgress().isEmpty()) {
                RepairRun stopped = with(run, RepairRun.State.STOPPED, run.rangesDone(), run.keysRepaired(),
                        run.bytesMoved(), Optional.of(at), Optional.empty());
                runs.put(id, stopped);
                return new TakeOver.RingMoved(stopped, changes.ringEpoch());
            }
            RepairRun taken = new RepairRun(run.id(), run.tenant(), run.node(), run.dryRun(), run.state(), run.epoch(),
                    rangesTotal, run.rangesDone(), run.keysRepaired(), run.bytesMoved(), run.startedAt(), Optional.empty(),
                    Optional.of(new Lease(owner, clock.now().plus(lease))));
            runs.put(id, taken);
            return new TakeOver.TakenOver(taken);
        });
    }

    @Override
    public Optional<RepairRun> find(String id) {
        return changes.locked(() -> Optional.ofNullable(runs.get(id)));
    }

    @Override
    public List<RepairRun> list(int limit) {
        return changes.locked(() -> {
            List<RepairRun> newestFirst = new ArrayList<>(runs.values());
            Collections.reverse(newestFirst);
            return List.copyOf(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
        });
    }

    private static boolean holds(RepairRun run, String owner) {
        return run != null && run.state() == RepairRun.State.RUNNING
                && run.lease().map(l -> l.owner().equals(owner)).orElse(false);
    }

    private static RepairRun with(RepairRun r, RepairRun.State state, int rangesDone, long keysRepaired, long bytesMoved,
                                  Optional<Instant> finishedAt, Optional<Lease> lease) {
        return new RepairRun(r.id(), r.tenant(), r.node(), r.dryRun(), state, r.epoch(), r.rangesTotal(), rangesDone,
                keysRepaired, bytesMoved, r.startedAt(), finishedAt, lease);
    }
}
