package io.pairdb.adapters.storage;

import com.google.protobuf.ByteString;
import io.pairdb.core.port.StorageNodes.Applied;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.proto.storage.v1.ApplyOutcome;
import io.pairdb.proto.storage.v1.VectorClockEntry;
import java.util.TreeMap;

/** Domain versions ↔ the storage contract's messages. */
final class StorageProtoMapper {
    private StorageProtoMapper() {
    }

    static io.pairdb.proto.storage.v1.Version toProto(Version v) {
        var b = io.pairdb.proto.storage.v1.Version.newBuilder()
                .setTombstone(v.tombstone())
                .setVectorClock(toProto(v.clock()))
                .setTimestampMs(v.timestampMs());
        if (!v.tombstone()) {
            b.setValue(ByteString.copyFrom(v.value()));
        }
        return b.build();
    }

    static io.pairdb.proto.storage.v1.VectorClock toProto(VectorClock clock) {
        var b = io.pairdb.proto.storage.v1.VectorClock.newBuilder();
        clock.entries().forEach((id, counter) -> b.addEntries(
                VectorClockEntry.newBuilder().setCoordinatorNodeId(id).setLogicalTimestamp(counter)));
        return b.build();
    }

    static Version fromProto(io.pairdb.proto.storage.v1.Version v) {
        VectorClock clock = fromProto(v.getVectorClock());
        return v.getTombstone()
                ? Version.tombstone(clock, v.getTimestampMs())
                : Version.of(v.getValue().toByteArray(), clock, v.getTimestampMs());
    }

    static VectorClock fromProto(io.pairdb.proto.storage.v1.VectorClock clock) {
        TreeMap<String, Long> entries = new TreeMap<>();
        for (VectorClockEntry e : clock.getEntriesList()) {
            entries.merge(e.getCoordinatorNodeId(), e.getLogicalTimestamp(), Math::max);
        }
        return new VectorClock(entries);
    }

    static Applied fromProto(ApplyOutcome outcome) {
        return switch (outcome) {
            case APPLY_OUTCOME_APPLIED -> Applied.APPLIED;
            case APPLY_OUTCOME_IGNORED -> Applied.IGNORED;
            case APPLY_OUTCOME_MERGED -> Applied.MERGED;
            case APPLY_OUTCOME_UNSPECIFIED, UNRECOGNIZED ->
                    throw new IllegalArgumentException("storage node answered without an apply outcome");
        };
    }
}
