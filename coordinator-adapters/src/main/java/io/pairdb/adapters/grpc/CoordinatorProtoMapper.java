package io.pairdb.adapters.grpc;

import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.version.VectorClock;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueResponse;
import io.pairdb.proto.coordinator.v1.VectorClockEntry;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.util.TreeMap;

/** Domain values ↔ the data-plane API's messages. */
final class CoordinatorProtoMapper {
    private CoordinatorProtoMapper() {
    }

    static io.pairdb.proto.coordinator.v1.VectorClock toProto(VectorClock clock) {
        var b = io.pairdb.proto.coordinator.v1.VectorClock.newBuilder();
        clock.entries().forEach((id, counter) -> b.addEntries(
                VectorClockEntry.newBuilder().setCoordinatorNodeId(id).setLogicalTimestamp(counter)));
        return b.build();
    }

    /** Throws IllegalArgumentException with a readable message for a malformed clock. */
    static VectorClock fromProto(io.pairdb.proto.coordinator.v1.VectorClock clock) {
        TreeMap<String, Long> entries = new TreeMap<>();
        for (VectorClockEntry e : clock.getEntriesList()) {
            if (entries.put(e.getCoordinatorNodeId(), e.getLogicalTimestamp()) != null) {
                throw new IllegalArgumentException("causal context names coordinator '" + e.getCoordinatorNodeId() + "' twice");
            }
        }
        return new VectorClock(entries);
    }

    static WriteKeyValueResponse toWriteResponse(StoredResponse r, boolean duplicate) {
        return WriteKeyValueResponse.newBuilder()
                .setSuccess(true)
                .setKey(r.key())
                .setIdempotencyKey(r.idempotencyKey())
                .setVectorClock(toProto(r.clock()))
                .setReplicaCount(r.replicaCount())
                .setConsistency(r.consistency())
                .setIsDuplicate(duplicate)
                .setTimestampMs(r.timestampMs())
                .build();
    }

    static DeleteKeyValueResponse toDeleteResponse(StoredResponse r, boolean duplicate) {
        return DeleteKeyValueResponse.newBuilder()
                .setSuccess(true)
                .setKey(r.key())
                .setIdempotencyKey(r.idempotencyKey())
                .setVectorClock(toProto(r.clock()))
                .setReplicaCount(r.replicaCount())
                .setConsistency(r.consistency())
                .setIsDuplicate(duplicate)
                .setTimestampMs(r.timestampMs())
                .build();
    }
}
