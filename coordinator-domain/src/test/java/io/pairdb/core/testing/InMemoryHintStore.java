package io.pairdb.core.testing;

import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.HintStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hints in memory, with claims timed by the given clock (the PostgreSQL store uses the
 * database's). {@link #failEveryCall(boolean)} makes it behave like an unreachable store.
 */
public final class InMemoryHintStore implements HintStore {
    private record Claim(String owner, Instant until) {
    }

    private final Clock clock;
    private final TreeMap<Long, Hint> hints = new TreeMap<>();
    private final Map<Long, Claim> claims = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean failing;
    private final List<Consumer<Hint>> deleteWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public InMemoryHintStore(Clock clock) {
        this.clock = clock;
    }

    /** Claims expire by the machine's clock. */
    public InMemoryHintStore() {
        this(System::currentTimeMillis);
    }

    /**
     * Tells {@code watcher} of every hint as it leaves the store, delivered, dropped or expired (after
     * the call that removed it has removed all it removes).
     */
    public void whenDeleted(Consumer<Hint> watcher) {
        deleteWatchers.add(watcher);
    }

    /** From now on every call throws, as if the store could not be reached (or works again). */
    public void failEveryCall(boolean fail) {
        this.failing = fail;
    }

    @Override
    public synchronized void store(Hint hint) {
        reachable();
        long id = ids.incrementAndGet();
        hints.put(id, new Hint(id, hint.target(), hint.tenant(), hint.key(), hint.token(), hint.version(),
                hint.createdAt(), hint.attempts()));
    }

    @Override
    public synchronized List<Hint> pending(NodeId target, int limit) {
        reachable();
        return hints.values().stream().filter(h -> h.target().equals(target)).limit(limit).toList();
    }

    @Override
    public synchronized void delete(long hintId) {
        delete(List.of(hintId));
    }

    @Override
    public synchronized void delete(Collection<Long> hintIds) {
        reachable();
        List<Hint> removed = new ArrayList<>();
        hintIds.forEach(id -> {
            Hint h = hints.remove(id);
            claims.remove(id);
            if (h != null) {
                removed.add(h);
            }
        });
        deleted(removed);
    }

    private void deleted(List<Hint> removed) {
        removed.forEach(h -> deleteWatchers.forEach(w -> w.accept(h)));
    }

    @Override
    public synchronized long count(NodeId target) {
        reachable();
        return hints.values().stream().filter(h -> h.target().equals(target)).count();
    }

    @Override
    public synchronized List<Hint> claim(NodeId target, int limit, String owner, Duration lease) {
        reachable();
        Instant now = clock.now();
        List<Hint> claimed = new ArrayList<>();
        for (Hint h : hints.values()) {
            if (claimed.size() >= limit) {
                break;
            }
            Claim held = claims.get(h.id());
            if (h.target().equals(target) && (held == null || !held.until().isAfter(now))) {
                claims.put(h.id(), new Claim(owner, now.plus(lease)));
                claimed.add(h);
            }
        }
        return claimed;
    }

    @Override
    public synchronized List<Hint> recordFailure(Collection<Long> hintIds, String owner) {
        reachable();
        List<Hint> updated = new ArrayList<>();
        for (long id : new TreeSet<>(hintIds)) {
            Hint h = hints.get(id);
            Claim held = claims.get(id);
            if (h == null || held == null || !held.owner().equals(owner)) {
                continue;
            }
            Hint retried = new Hint(id, h.target(), h.tenant(), h.key(), h.token(), h.version(), h.createdAt(),
                    h.attempts() + 1);
            hints.put(id, retried);
            claims.remove(id);
            updated.add(retried);
        }
        return updated;
    }

    @Override
    public synchronized void release(Collection<Long> hintIds, String owner) {
        reachable();
        for (long id : hintIds) {
            Claim held = claims.get(id);
            if (held != null && held.owner().equals(owner)) {
                claims.remove(id);
            }
        }
    }

    @Override
    public synchronized Map<NodeId, Long> expire(Instant cutoff, int limit) {
        reachable();
        Map<NodeId, Long> dropped = new TreeMap<>();
        List<Hint> removed = new ArrayList<>();
        int[] left = {limit};
        hints.values().removeIf(h -> {
            if (left[0] > 0 && h.createdAt().isBefore(cutoff)) {
                left[0]--;
                dropped.merge(h.target(), 1L, Long::sum);
                claims.remove(h.id());
                removed.add(h);
                return true;
            }
            return false;
        });
        deleted(removed);
        return dropped;
    }

    @Override
    public synchronized List<PendingHints> stats() {
        reachable();
        Map<NodeId, Long> counts = new TreeMap<>();
        Map<NodeId, Instant> oldest = new HashMap<>();
        for (Hint h : hints.values()) {
            counts.merge(h.target(), 1L, Long::sum);
            oldest.merge(h.target(), h.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        return counts.entrySet().stream()
                .map(e -> new PendingHints(e.getKey(), e.getValue(), oldest.get(e.getKey())))
                .toList();
    }

    public synchronized long total() {
        return hints.size();
    }

    private void reachable() {
        if (failing) {
            throw new PairDbException("hints", "injected failure: the hint store cannot be reached");
        }
    }
}
