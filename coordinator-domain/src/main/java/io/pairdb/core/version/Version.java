package io.pairdb.core.version;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a key: a value or a tombstone, its vector clock and the timestamp used to
 * order concurrent versions (the millisecond of the counter its coordinator issued: see
 * {@link ClockIssuer}).
 */
public record Version(byte[] value, boolean tombstone, VectorClock clock, long timestampMs) {
    public Version {
        Objects.requireNonNull(clock, "clock");
        if (tombstone) {
            value = new byte[0];
        } else {
            Objects.requireNonNull(value, "value");
            value = value.clone();
        }
        if (timestampMs < 0) {
            throw new IllegalArgumentException("timestamp must not be negative");
        }
    }

    public static Version of(byte[] value, VectorClock clock, long timestampMs) {
        return new Version(value, false, clock, timestampMs);
    }

    public static Version tombstone(VectorClock clock, long timestampMs) {
        return new Version(null, true, clock, timestampMs);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value, or empty for a tombstone. */
    public Optional<byte[]> content() {
        return tombstone ? Optional.empty() : Optional.of(value.clone());
    }

    public int valueSize() {
        return value.length;
    }

    public Version withClock(VectorClock newClock) {
        return new Version(tombstone ? null : value, tombstone, newClock, timestampMs);
    }

    /** Same data and same clock. */
    public boolean sameAs(Version other) {
        return equals(other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version v
                && tombstone == v.tombstone
                && timestampMs == v.timestampMs
                && clock.equals(v.clock)
                && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value), tombstone, clock, timestampMs);
    }

    @Override
    public String toString() {
        String body = tombstone ? "tombstone"
                : value.length <= 16 ? "0x" + HexFormat.of().formatHex(value) : value.length + " bytes";
        return "Version[" + body + ", clock=" + clock + ", ts=" + timestampMs + "]";
    }
}
