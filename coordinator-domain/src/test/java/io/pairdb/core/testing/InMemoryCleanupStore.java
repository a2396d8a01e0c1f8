package io.pairdb.core.testing;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.ForcedCleanup;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.Lease;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    private final Map<ChangeId, ForcedCleanup> forced = new HashMap<>();

    public InMemoryCleanupStore(InMemoryChangeStore changes, Clock clock) {
        this.changes = changes;
        this.clock = clock;
    }

    /** Lets every claim taken so far run out. */
    public synchronized void expireClaims() {
        claims.replaceAll((k, l) -> new Lease(l.owner(), Instant.MIN));
    }

    @Override
    public synchronized List<Claimed> claimDue(Instant completedBefore, Instant triedBefore, String owner, Duration lease,
                                            int limit) {
        Instant now = clock.now();
        List<TopologyChange> due = changes.list(Integer.MAX_VALUE).stream()
                .filter(c -> c.status() == ChangeStatus.COMPLETED)
                .filter(c -> forced.containsKey(c.id()) || !c.completedAt().orElseThrow().isAfter(completedBefore))
                .sorted(Comparator.comparing((TopologyChange c) -> c.completedAt().orElseThrow())
                        .thenComparing(c -> c.id().value()))
                .toList();
        List<Claimed> claimed = new ArrayList<>();
        for (TopologyChange c : due) {
            for (RangeRelease r : changes.releases(c.id())) {
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
    public synchronized ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome,
                                                Instant at) {
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
    public synchronized Backlog backlog(Instant now, Duration gracePeriod) {
        int pending = 0;
        int skipped = 0;
        int mostSkips = 0;
        Instant oldest = null;
        for (TopologyChange c : changes.list(Integer.MAX_VALUE)) {
            if (c.status() != ChangeStatus.COMPLETED) {
                continue;
            }
            Instant dueAt = c.completedAt().orElseThrow().plus(gracePeriod);
            ForcedCleanup order = forced.get(c.id());
            if (order != null && order.at().isBefore(dueAt)) {
                dueAt = order.at();
            }
            if (order == null && dueAt.isAfter(now)) {
                continue;
            }
            for (RangeRelease r : changes.releases(c.id())) {
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
    public synchronized Optional<ChangeCleanup> find(ChangeId change) {
        if (changes.find(change).isEmpty()) {
            return Optional.empty();
        }
        List<RangeCleanup> ranges = changes.releases(change).stream().map(r -> current(change, r)).toList();
        return Optional.of(new ChangeCleanup(change, ranges, Optional.ofNullable(forced.get(change))));
    }

    @Override
    public synchronized Force force(ChangeId change, ForcedCleanup order) {
        Optional<TopologyChange> found = changes.find(change);
        if (found.isEmpty()) {
            return new Force.NotFound();
        }
        if (found.get().status() != ChangeStatus.COMPLETED) {
            return new Force.NotCompleted(found.get().status());
        }
        forced.put(change, order);
        return new Force.Forced(find(change).orElseThrow());
    }

    private RangeCleanup current(ChangeId change, RangeRelease release) {
        return attempts.getOrDefault(new Key(change, release.index()), RangeCleanup.pending(change, release));
    }
}
