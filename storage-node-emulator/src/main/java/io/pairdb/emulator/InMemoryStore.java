package io.pairdb.emulator;

import io.pairdb.storage.server.ApplyResult;
import io.pairdb.storage.server.EntryScan;
import io.pairdb.storage.server.Position;
import io.pairdb.storage.server.StorageEngine;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import io.pairdb.storage.server.TokenRange;
import io.pairdb.core.version.ConditionalApply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The node's data, thread-safe. Entries are keyed by (tenant, key); every change to a key runs
 * inside {@link ConcurrentHashMap#compute} on that key, which is what makes conditional apply
 * atomic per key. A second map orders the same entries by {@link Position} for range
 * operations; it is only changed inside those per-key computations, so for any one key the
 * two maps agree. Range operations see a weakly consistent view, like a real node's scan.
 */
public final class InMemoryStore implements StorageEngine {

    private record TenantKey(String tenantId, String key) {
    }

    private volatile String dataId = UUID.randomUUID().toString();
    private final ConcurrentHashMap<TenantKey, StoredEntry> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Position, StoredEntry> byPosition =
            new ConcurrentSkipListMap<>(Position.ORDER);

    /** Conditional apply (DESIGN.md §5), by the coordinator's own resolution rule. */
    @Override
    public ApplyResult apply(StoredEntry incoming) {
        AtomicReference<ApplyResult> result = new AtomicReference<>();
        byKey.compute(keyOf(incoming), (key, stored) -> {
            ConditionalApply.Result applied = ConditionalApply.apply(
                    Optional.ofNullable(stored).map(entry -> entry.version().toVersion()),
                    incoming.version().toVersion());
            StoredVersion current = switch (applied.outcome()) {
                case IGNORED -> stored.version();
                case APPLIED -> incoming.version();
                case MERGED -> StoredVersion.of(applied.current());
            };
            result.set(new ApplyResult(applied.outcome(), current));
            return applied.outcome() == ConditionalApply.Outcome.IGNORED
                    ? stored : replace(stored, incoming.withVersion(current));
        });
        return result.get();
    }

    /** Stores the entry as-is, whatever is stored: the fault hook for making a replica stale. */
    public void putRaw(StoredEntry entry) {
        byKey.compute(keyOf(entry), (key, stored) -> replace(stored, entry));
    }

    @Override
    public Optional<StoredVersion> get(String tenantId, String key) {
        return Optional.ofNullable(byKey.get(new TenantKey(tenantId, key))).map(StoredEntry::version);
    }

    /** Entries held, tombstones included: an exact count. */
    @Override
    public long keyCount() {
        return byKey.mappingCount();
    }

    /**
     * Names this copy of data (the health answer's {@code data_id}): a new one for every store,
     * and again after {@link #clear}, as a node that lost its disk would.
     */
    public String dataId() {
        return dataId;
    }

    public void clear() {
        dataId = UUID.randomUUID().toString();
        byKey.keySet().forEach(key -> byKey.computeIfPresent(key, (k, stored) -> {
            byPosition.remove(stored.position());
            return null;
        }));
    }

    /**
     * Entries in {@code range} in scan order (for a wrapping range: the part above the start,
     * then the part from the bottom of the ring), lazily, so a large range is never copied.
     *
     * @param after resume strictly after this position; its token must lie in {@code range}
     */
    @Override
    public EntryScan scan(TokenRange range, Optional<String> tenantId, Optional<Position> after) {
        List<NavigableMap<Position, StoredEntry>> segments = segments(range);
        if (after.isPresent()) {
            segments = resumeAfter(range, segments, after.get());
        }
        return EntryScan.of(new RangeScan(segments, tenantId));
    }

    /** Removes every entry in the range; returns how many went. */
    @Override
    public long deleteRange(TokenRange range, Optional<String> tenantId) {
        long deleted = 0;
        Iterator<StoredEntry> entries = scan(range, tenantId, Optional.empty());
        while (entries.hasNext()) {
            StoredEntry seen = entries.next();
            // The key may have been rewritten since the scan saw it; it still goes if it is
            // still in the range, because cleanup means "this node no longer owns these tokens".
            if (removeIf(seen, current -> range.contains(current.token()))) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Drops tombstones whose timestamp is before {@code cutoffMs}; returns how many went. */
    @Override
    public int purgeTombstonesOlderThan(long cutoffMs) {
        int purged = 0;
        for (StoredEntry seen : byKey.values()) {
            if (isPurgeable(seen, cutoffMs) && removeIf(seen, current -> isPurgeable(current, cutoffMs))) {
                purged++;
            }
        }
        return purged;
    }

    private static boolean isPurgeable(StoredEntry entry, long cutoffMs) {
        return entry.version().tombstone() && entry.version().timestampMs() < cutoffMs;
    }

    private boolean removeIf(StoredEntry seen, Predicate<StoredEntry> stillRemovable) {
        AtomicReference<Boolean> removed = new AtomicReference<>(false);
        byKey.computeIfPresent(keyOf(seen), (key, current) -> {
            if (!stillRemovable.test(current)) {
                return current;
            }
            byPosition.remove(current.position());
            removed.set(true);
            return null;
        });
        return removed.get();
    }

    /** Runs inside the per-key computation; adds before removing so a scan never misses the key. */
    private StoredEntry replace(StoredEntry old, StoredEntry next) {
        byPosition.put(next.position(), next);
        if (old != null && !old.position().equals(next.position())) {
            byPosition.remove(old.position());
        }
        return next;
    }

    private static TenantKey keyOf(StoredEntry entry) {
        return new TenantKey(entry.tenantId(), entry.key());
    }

    private List<NavigableMap<Position, StoredEntry>> segments(TokenRange range) {
        if (!range.wraps()) {
            return List.of(upTo(above(range.startExclusive()), range.endInclusive()));
        }
        return List.of(above(range.startExclusive()), upTo(byPosition, range.endInclusive()));
    }

    private NavigableMap<Position, StoredEntry> above(long token) {
        if (token == -1L) { // the top of the unsigned ring: nothing is above it
            return Collections.emptyNavigableMap();
        }
        return byPosition.tailMap(Position.before(token + 1), true);
    }

    private static NavigableMap<Position, StoredEntry> upTo(NavigableMap<Position, StoredEntry> map, long token) {
        if (token == -1L) {
            return map;
        }
        return map.headMap(Position.before(token + 1), false);
    }

    private static List<NavigableMap<Position, StoredEntry>> resumeAfter(
            TokenRange range, List<NavigableMap<Position, StoredEntry>> segments, Position after) {
        if (!range.contains(after.token())) {
            throw new IllegalArgumentException("resume position " + after + " is outside " + range);
        }
        boolean inLowerPartOfWrappingRange =
                range.wraps() && Long.compareUnsigned(after.token(), range.startExclusive()) <= 0;
        if (inLowerPartOfWrappingRange) {
            return List.of(segments.get(1).tailMap(after, false));
        }
        List<NavigableMap<Position, StoredEntry>> resumed = new ArrayList<>(segments);
        resumed.set(0, segments.get(0).tailMap(after, false));
        return resumed;
    }

    /** Walks the segments in order, skipping other tenants' entries. */
    private static final class RangeScan implements Iterator<StoredEntry> {
        private final Iterator<NavigableMap<Position, StoredEntry>> segments;
        private final Optional<String> tenantId;
        private Iterator<StoredEntry> current = Collections.emptyIterator();
        private StoredEntry next;

        RangeScan(List<NavigableMap<Position, StoredEntry>> segments, Optional<String> tenantId) {
            this.segments = segments.iterator();
            this.tenantId = Objects.requireNonNull(tenantId);
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                while (!current.hasNext()) {
                    if (!segments.hasNext()) {
                        return false;
                    }
                    current = segments.next().values().iterator();
                }
                StoredEntry candidate = current.next();
                if (tenantId.map(candidate.tenantId()::equals).orElse(true)) {
                    next = candidate;
                }
            }
            return true;
        }

        @Override
        public StoredEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredEntry result = next;
            next = null;
            return result;
        }
    }
}
