package io.pairdb.storage.contract;

import com.google.protobuf.ByteString;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.TokenRange;
import io.pairdb.proto.storage.v1.VectorClock;
import io.pairdb.proto.storage.v1.VectorClockEntry;
import io.pairdb.proto.storage.v1.Version;

/** Builders for wire messages: {@code aValue("blue").clock("c1", 2).at(100).build()}. */
public final class Fixtures {

    public static final String TENANT = "acme";

    private Fixtures() {
    }

    public static VersionBuilder aValue(String utf8) {
        return new VersionBuilder().value(ByteString.copyFromUtf8(utf8));
    }

    public static VersionBuilder aValue(byte... bytes) {
        return new VersionBuilder().value(ByteString.copyFrom(bytes));
    }

    public static VersionBuilder aTombstone() {
        return new VersionBuilder().tombstone();
    }

    public static Entry entry(String tenantId, String key, long token, Version version) {
        return Entry.newBuilder().setTenantId(tenantId).setKey(key).setToken(token).setVersion(version).build();
    }

    public static TokenRange range(long startExclusive, long endInclusive) {
        return TokenRange.newBuilder().setStartExclusive(startExclusive).setEndInclusive(endInclusive).build();
    }

    /** Any stable token will do where the test is not about ranges. */
    public static long tokenOf(String key) {
        return key.hashCode();
    }

    public static VectorClock clock(Object... coordinatorTimestampPairs) {
        VectorClock.Builder clock = VectorClock.newBuilder();
        for (int i = 0; i < coordinatorTimestampPairs.length; i += 2) {
            clock.addEntries(VectorClockEntry.newBuilder()
                    .setCoordinatorNodeId((String) coordinatorTimestampPairs[i])
                    .setLogicalTimestamp(((Number) coordinatorTimestampPairs[i + 1]).longValue()));
        }
        return clock.build();
    }

    public static final class VersionBuilder {
        private final Version.Builder version = Version.newBuilder().setTimestampMs(1_000);

        public VersionBuilder value(ByteString value) {
            version.setValue(value).setTombstone(false);
            return this;
        }

        public VersionBuilder tombstone() {
            version.setValue(ByteString.EMPTY).setTombstone(true);
            return this;
        }

        public VersionBuilder clock(String coordinator, long logicalTimestamp) {
            version.getVectorClockBuilder().addEntries(VectorClockEntry.newBuilder()
                    .setCoordinatorNodeId(coordinator).setLogicalTimestamp(logicalTimestamp));
            return this;
        }

        public VersionBuilder at(long timestampMs) {
            version.setTimestampMs(timestampMs);
            return this;
        }

        public Version build() {
            return version.build();
        }
    }
}
