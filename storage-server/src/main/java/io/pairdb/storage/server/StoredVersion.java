package io.pairdb.storage.server;

import com.google.protobuf.ByteString;
import io.pairdb.core.version.Version;
import io.pairdb.core.version.VectorClock;
import java.util.Objects;

/**
 * A version as the node holds it: a value or a tombstone, its vector clock and its
 * timestamp (the millisecond of the counter the coordinator issued). The value stays a {@link ByteString} so that serving it
 * copies nothing; {@link #toVersion()} gives the domain's version for conditional apply.
 */
public record StoredVersion(ByteString value, boolean tombstone, VectorClock clock, long timestampMs) {

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

    public static StoredVersion of(Version version) {
        return new StoredVersion(version.tombstone() ? ByteString.EMPTY : ByteString.copyFrom(version.value()),
                version.tombstone(), version.clock(), version.timestampMs());
    }

    public Version toVersion() {
        return new Version(tombstone ? null : value.toByteArray(), tombstone, clock, timestampMs);
    }
}
