package io.pairdb.core.testing;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeConflicts;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.Lease;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cleanups in memory, over the releases an {@link InMemoryChangeStore} stored with its changes.
 * Claims run on the given clock.
 */
public final class InMemoryCleanupStore implements CleanupStore {
    private record Key(ChangeId change, int index) {
    }

    private final InMemoryChangeStore changes;
    private final Clock clock;
    private final Map<Key, RangeCleanup> attempts = new HashMap<>();
    private final Map<Key, Lease> claims = new HashMap<>();
    private final Map<ChangeId, CleanupOrder> forced = new HashMap<>();

    public InMemoryCleanupStore(InMemoryChangeStore changes, Clock clock) {
        this.changes = changes;
        this.clock = clock;
        changes.guardStarts(this::conflictingDelete);
    }

    /** Lets every claim taken so far run out. */
    public void expireClaims() {
        changes.locked(() -> {
            claims.replaceAll((k, l) -> new Lease(l.owner(), Instant.MIN));
            return null;
        });
    }

    /** Called by the change store under its lock, at every start. */
    private Optional<ChangeStore.Start> conflictingDelete(TopologyChange change) {
        for (RangeCleanup r : deletingNow()) {
            Optional<String> reason = ChangeConflicts.withCleanup(change, r.change(), r.release());
            if (reason.isPresent()) {
                return Optional.of(new ChangeStore.Start.CleanupRunning(r.change(), reason.get()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Begin beginDelete(ChangeId change, int index, String owner, long epoch) {
        return changes.locked(() -> {
            Key key = new Key(change, index);
            Lease claim = claims.get(key);
            if (claim == null || !claim.owner().equals(owner)) {
                return Begin.LOST;
            }
            if (changes.ringEpoch() != epoch) {
                return Begin.RING_MOVED;
            }
            attempts.put(key, current(change, changes.releases(change).get(index)).deleting(clock.now()));
            return Begin.BEGUN;
        });
    }

    @Override
    public List<RangeCleanup> deleting() {
        return changes.locked(this::deletingNow);
    }

    private List<RangeCleanup> deletingNow() {
        return attempts.values().stream().filter(r -> r.deleteBegun().isPresent()).toList();
    }

    @Override
    public List<Claimed> claimDue(Instant completedBefore, Instant triedBefore, String owner, Duration lease, int limit) {
        return changes.locked(() -> claim(completedBefore, triedBefore, owner, lease, limit));
    }

    private List<Claimed> claim(Instant completedBefore, Instant triedBefore, String owner, Duration lease, int limit) {
        Instant now = clock.now();
        List<TopologyChange> due = changes.list(Integer.MAX_VALUE).stream()
                .filter(c -> c.status().isFinal())
                .filter(c -> forced.containsKey(c.id()) || !c.completedAt().orElseThrow().isAfter(completedBefore))
                .sorted(Comparator.comparing((TopologyChange c) -> c.completedAt().orElseThrow())
                        .thenComparing(c -> c.id().value()))
                .toList();
        List<Claimed> claimed = new ArrayList<>();
        for (TopologyChange c : due) {
            for (RangeRelease r : changes.releases(c.id())) {
                if (!r.dueAfter(c.status())) {
                    continue;
                }
                if (claimed.size() == limit) {
                    return claimed;
                }
                Key key = new Key(c.id(), r.index());
                RangeCleanup range = current(c.id(), r);
                Lease claim = claims.get(key);
                if (range.outcome().isFinal() || (claim != null && claim.expiresAt().isAfter(now))
                        || range.lastAttemptAt().map(t -> !t.isBefore(triedBefore)).orElse(false)) {
                    continue;
                }
                claims.put(key, new Lease(owner, now.plus(lease)));
                claimed.add(new Claimed(range, Optional.ofNullable(forced.get(c.id()))));
            }
        }
        return claimed;
    }

    @Override
    public ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome, Instant at) {
        return changes.locked(() -> recordLocked(change, index, owner, outcome, at));
    }

    private ChangeStore.Held recordLocked(ChangeId change, int index, String owner, CleanupOutcome outcome, Instant at) {
        Key key = new Key(change, index);
        Lease claim = claims.get(key);
        if (claim == null || !claim.owner().equals(owner)) {
            return ChangeStore.Held.LOST;
        }
        RangeRelease release = changes.releases(change).get(index);
        attempts.put(key, current(change, release).attempted(outcome, at));
        claims.remove(key);
        return ChangeStore.Held.HELD;
    }

    @Override
    public List<RangeCleanup> uncleaned(Collection<NodeId> nodes, Instant endedBefore) {
        return changes.locked(() -> changes.list(Integer.MAX_VALUE).stream()
                .filter(c -> c.status().isFinal() && !c.completedAt().orElseThrow().isAfter(endedBefore))
                .sorted(Comparator.comparing((TopologyChange c) -> c.completedAt().orElseThrow())
                        .thenComparing(c -> c.id().value()))
                .flatMap(c -> changes.releases(c.id()).stream()
                        .filter(r -> r.dueAfter(c.status()) && nodes.contains(r.node()))
                        .map(r -> current(c.id(), r)))
                .filter(r -> !r.outcome().isFinal())
                .toList());
    }

    @Override
    public Backlog backlog(Instant now, Duration gracePeriod) {
        return changes.locked(() -> backlogLocked(now, gracePeriod));
    }

    private Backlog backlogLocked(Instant now, Duration gracePeriod) {
        int pending = 0;
        int skipped = 0;
        int mostSkips = 0;
        Instant oldest = null;
        for (TopologyChange c : changes.list(Integer.MAX_VALUE)) {
            if (!c.status().isFinal()) {
                continue;
            }
            Instant dueAt = c.completedAt().orElseThrow().plus(gracePeriod);
            CleanupOrder order = forced.get(c.id());
            if (order != null && order.at().isBefore(dueAt)) {
                dueAt = order.at();
            }
            if (order == null && dueAt.isAfter(now)) {
                continue;
            }
            for (RangeRelease r : changes.releases(c.id())) {
                if (!r.dueAfter(c.status())) {
                    continue;
                }
                RangeCleanup range = current(c.id(), r);
                switch (range.outcome()) {
                    case CleanupOutcome.Pending p -> pending++;
                    case CleanupOutcome.Skipped sk -> skipped++;
                    case CleanupOutcome.Deleted d -> {
                        continue;
                    }
                    case CleanupOutcome.Kept k -> {
                        continue;
                    }
                }
                mostSkips = Math.max(mostSkips, range.attempts());
                if (oldest == null || dueAt.isBefore(oldest)) {
                    oldest = dueAt;
                }
            }
        }
        return new Backlog(pending, skipped, mostSkips, Optional.ofNullable(oldest));
    }

    @Override
    public Optional<ChangeCleanup> find(ChangeId change) {
        return changes.locked(() -> findLocked(change));
    }

    private Optional<ChangeCleanup> findLocked(ChangeId change) {
        Optional<TopologyChange> found = changes.find(change);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<RangeCleanup> ranges = changes.releases(change).stream().filter(r -> r.concerns(found.get().status()))
                .map(r -> current(change, r)).toList();
        return Optional.of(new ChangeCleanup(change, ranges, Optional.ofNullable(forced.get(change))));
    }

    @Override
    public Force force(ChangeId change, CleanupOrder order) {
        return changes.locked(() -> forceLocked(change, order));
    }

    private Force forceLocked(ChangeId change, CleanupOrder order) {
        Optional<TopologyChange> found = changes.find(change);
        if (found.isEmpty()) {
            return new Force.NotFound();
        }
        if (!found.get().status().isFinal()) {
            return new Force.NotCompleted(found.get().status());
        }
        forced.put(change, order);
        return new Force.Forced(findLocked(change).orElseThrow());
    }

    private RangeCleanup current(ChangeId change, RangeRelease release) {
        return attempts.getOrDefault(new Key(change, release.index()), RangeCleanup.pending(change, release));
    }
}
