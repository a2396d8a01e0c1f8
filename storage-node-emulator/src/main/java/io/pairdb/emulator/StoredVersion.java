package io.pairdb.emulator;

import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.Objects;

/**
 * A version as the node holds it: a value or a tombstone, its vector clock and the
 * coordinator's wall-clock timestamp.
 */
public record StoredVersion(ByteString value, boolean tombstone, VectorClock clock, long timestampMs) {

    /**
     * Orders concurrent versions for conflict resolution: the greater timestamp wins, then the
     * greater value bytes (unsigned); a tombstone is below any value and two tombstones tie.
     * Every node must pick the same winner, so this depends on nothing but the two versions.
     */
    static final Comparator<StoredVersion> RESOLUTION_ORDER =
            Comparator.comparingLong(StoredVersion::timestampMs)
                    .thenComparing(StoredVersion::tombstone, Comparator.reverseOrder())
                    .thenComparing(StoredVersion::value, ByteString.unsignedLexicographicalComparator());

    public StoredVersion {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(clock, "clock");
        if (tombstone && !value.isEmpty()) {
            throw new IllegalArgumentException("a tombstone carries no value");
        }
    }

    public static StoredVersion value(ByteString value, VectorClock clock, long timestampMs) {
        return new StoredVersion(value, false, clock, timestampMs);
    }

    public static StoredVersion value(String utf8Value, VectorClock clock, long timestampMs) {
        return value(ByteString.copyFromUtf8(utf8Value), clock, timestampMs);
    }

    public static StoredVersion tombstone(VectorClock clock, long timestampMs) {
        return new StoredVersion(ByteString.EMPTY, true, clock, timestampMs);
    }

    StoredVersion withClock(VectorClock newClock) {
        return new StoredVersion(value, tombstone, newClock, timestampMs);
    }
}
