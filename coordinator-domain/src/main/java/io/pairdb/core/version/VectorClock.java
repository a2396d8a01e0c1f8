package io.pairdb.core.version;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector clock: coordinator node id → logical timestamp. Missing entries count as 0.
 * Immutable; entries are kept sorted by id so equal clocks have equal representations.
 */
public record VectorClock(SortedMap<String, Long> entries) {
    public static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

    public VectorClock {
        Objects.requireNonNull(entries, "entries");
        TreeMap<String, Long> copy = new TreeMap<>();
        for (Map.Entry<String, Long> e : entries.entrySet()) {
            String id = Objects.requireNonNull(e.getKey(), "clock entry id");
            long counter = Objects.requireNonNull(e.getValue(), "clock entry counter");
            if (id.isBlank()) {
                throw new IllegalArgumentException("clock entry id must not be blank");
            }
            if (counter < 0) {
                throw new IllegalArgumentException("clock entry " + id + " must not be negative: " + counter);
            }
            if (counter > 0) {
                copy.put(id, counter);
            }
        }
        entries = Collections.unmodifiableSortedMap(copy);
    }

    public static VectorClock of(Map<String, Long> entries) {
        return new VectorClock(new TreeMap<>(entries));
    }

    public static VectorClock of(String id, long counter) {
        return of(Map.of(id, counter));
    }

    public long get(String id) {
        return entries.getOrDefault(id, 0L);
    }

    /** The greatest counter in the clock, 0 for an empty one. */
    public long maxCounter() {
        long max = 0;
        for (long counter : entries.values()) {
            max = Math.max(max, counter);
        }
        return max;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    public Causality compare(VectorClock other) {
        boolean someGreater = false;
        boolean someLess = false;
        TreeMap<String, Long> union = new TreeMap<>(entries);
        union.putAll(other.entries);
        for (String id : union.keySet()) {
            long mine = get(id);
            long theirs = other.get(id);
            if (mine > theirs) {
                someGreater = true;
            } else if (mine < theirs) {
                someLess = true;
            }
        }
        if (someGreater && someLess) {
            return Causality.CONCURRENT;
        }
        if (someGreater) {
            return Causality.AFTER;
        }
        return someLess ? Causality.BEFORE : Causality.EQUAL;
    }

    /** True when this clock is equal to or after the other. */
    public boolean covers(VectorClock other) {
        Causality c = compare(other);
        return c == Causality.EQUAL || c == Causality.AFTER;
    }

    /** Entry-wise maximum: the least clock that covers both. */
    public VectorClock merge(VectorClock other) {
        TreeMap<String, Long> merged = new TreeMap<>(entries);
        other.entries.forEach((id, counter) -> merged.merge(id, counter, Math::max));
        return new VectorClock(merged);
    }

    public VectorClock with(String id, long counter) {
        TreeMap<String, Long> copy = new TreeMap<>(entries);
        copy.put(id, counter);
        return new VectorClock(copy);
    }

    /**
     * Bounds the clock to {@code maxEntries} by dropping the entries with the smallest
     * counters (ties: the greatest id goes first). Counters are wall-time based, so the
     * smallest belong to coordinators that have not written this key for the longest time.
     * The rule depends only on the clock itself, so every path prunes alike.
     */
    public VectorClock prune(int maxEntries) {
        return prune(maxEntries, null);
    }

    /**
     * Like {@link #prune(int)}, but {@code keep}'s entry stays whatever its counter: an issuing
     * coordinator must not drop the entry that makes its clock newer than the one it follows.
     */
    public VectorClock prune(int maxEntries, String keep) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a clock keeps at least one entry");
        }
        if (entries.size() <= maxEntries) {
            return this;
        }
        TreeMap<String, Long> kept = new TreeMap<>();
        if (keep != null && entries.containsKey(keep)) {
            kept.put(keep, entries.get(keep));
        }
        List<Map.Entry<String, Long>> ordered = new ArrayList<>(entries.entrySet());
        ordered.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> e : ordered) {
            if (kept.size() == maxEntries) {
                break;
            }
            kept.putIfAbsent(e.getKey(), e.getValue());
        }
        return new VectorClock(kept);
    }

    /** A total order used only to break ties deterministically; unrelated to causality. */
    public static int canonicalCompare(VectorClock a, VectorClock b) {
        var ia = a.entries.entrySet().iterator();
        var ib = b.entries.entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            var ea = ia.next();
            var eb = ib.next();
            int byId = ea.getKey().compareTo(eb.getKey());
            if (byId != 0) {
                return byId;
            }
            int byCounter = Long.compare(ea.getValue(), eb.getValue());
            if (byCounter != 0) {
                return byCounter;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((id, counter) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(id).append(':').append(counter);
        });
        return sb.append('}').toString();
    }
}
