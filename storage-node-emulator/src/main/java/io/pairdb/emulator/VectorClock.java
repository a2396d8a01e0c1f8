package io.pairdb.emulator;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector clock: coordinator node id → logical timestamp. A missing entry counts as 0, so
 * zero entries are dropped on construction; two clocks that differ only by zeros are equal.
 */
public record VectorClock(SortedMap<String, Long> entries) {

    public static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

    public VectorClock {
        Objects.requireNonNull(entries, "entries");
        TreeMap<String, Long> copy = new TreeMap<>();
        entries.forEach((coordinator, timestamp) -> {
            Objects.requireNonNull(coordinator, "coordinator node id");
            if (timestamp < 0) {
                throw new IllegalArgumentException(
                        "negative logical timestamp " + timestamp + " for " + coordinator);
            }
            if (timestamp > 0) {
                copy.put(coordinator, timestamp);
            }
        });
        entries = Collections.unmodifiableSortedMap(copy);
    }

    public static VectorClock of(Map<String, Long> entries) {
        return new VectorClock(new TreeMap<>(entries));
    }

    public long timestampOf(String coordinator) {
        return entries.getOrDefault(coordinator, 0L);
    }

    /** How this clock relates to {@code other}; e.g. {@code BEFORE} means {@code other} dominates. */
    public Causality compareTo(VectorClock other) {
        boolean someGreater = false;
        boolean someLess = false;
        TreeMap<String, Long> union = new TreeMap<>(entries);
        union.putAll(other.entries);
        for (String coordinator : union.keySet()) {
            int cmp = Long.compare(timestampOf(coordinator), other.timestampOf(coordinator));
            someGreater |= cmp > 0;
            someLess |= cmp < 0;
        }
        if (someGreater && someLess) {
            return Causality.CONCURRENT;
        }
        if (someGreater) {
            return Causality.AFTER;
        }
        return someLess ? Causality.BEFORE : Causality.IDENTICAL;
    }

    /** The entry-wise maximum: the smallest clock that dominates or equals both. */
    public VectorClock merge(VectorClock other) {
        TreeMap<String, Long> merged = new TreeMap<>(entries);
        other.entries.forEach((coordinator, timestamp) -> merged.merge(coordinator, timestamp, Math::max));
        return new VectorClock(merged);
    }
}
