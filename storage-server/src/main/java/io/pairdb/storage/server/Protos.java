package io.pairdb.storage.server;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.pairdb.core.version.ConditionalApply;
import io.pairdb.core.version.VectorClock;
import io.pairdb.proto.storage.v1.ApplyOutcome;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.StreamPosition;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.VectorClockEntry;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Translates between the wire messages and the emulator's own types, and is the one place that
 * rejects malformed requests (INVALID_ARGUMENT naming the offending field).
 */
public final class Protos {

    private static final String ERROR_DOMAIN = "pairdb.io";

    private Protos() {
    }

    public static StoredEntry entry(String where, String tenantId, String key, long token, StoredVersion version) {
        require(!tenantId.isEmpty(), where + "tenant_id is required");
        require(!key.isEmpty(), where + "key is required");
        return new StoredEntry(tenantId, key, token, version);
    }

    public static StoredEntry entry(String where, Entry entry) {
        require(entry.hasVersion(), where + "version is required");
        return entry(where, entry.getTenantId(), entry.getKey(), entry.getToken(),
                version(where + "version.", entry.getVersion()));
    }

    public static StoredVersion version(String where, Version version) {
        require(version.getTimestampMs() >= 0, where + "timestamp_ms must not be negative");
        require(!version.getTombstone() || version.getValue().isEmpty(),
                where + "value must be empty in a tombstone");
        return new StoredVersion(version.getValue(), version.getTombstone(),
                clock(where + "vector_clock.", version.getVectorClock()), version.getTimestampMs());
    }

    public static VectorClock clock(String where, io.pairdb.proto.storage.v1.VectorClock clock) {
        TreeMap<String, Long> entries = new TreeMap<>();
        for (VectorClockEntry entry : clock.getEntriesList()) {
            String coordinator = entry.getCoordinatorNodeId();
            require(!coordinator.isEmpty(), where + "coordinator_node_id is required");
            require(entry.getLogicalTimestamp() >= 0,
                    where + "logical_timestamp of " + coordinator + " must not be negative");
            require(entries.put(coordinator, entry.getLogicalTimestamp()) == null,
                    where + "coordinator " + coordinator + " appears twice");
        }
        try {
            return new VectorClock(entries);
        } catch (IllegalArgumentException e) {
            throw invalidArgument(where + e.getMessage());
        }
    }

    public static TokenRange range(boolean present, io.pairdb.proto.storage.v1.TokenRange range) {
        // An unset range would read as (0, 0], the whole ring: too dangerous to guess for DeleteRange.
        require(present, "range is required");
        return new TokenRange(range.getStartExclusive(), range.getEndInclusive());
    }

    public static Optional<String> tenantFilter(String tenantId) {
        return tenantId.isEmpty() ? Optional.empty() : Optional.of(tenantId);
    }

    public static Position position(TokenRange range, StreamPosition after) {
        require(range.contains(after.getToken()),
                "after.token " + Long.toUnsignedString(after.getToken()) + " is outside the range " + range);
        return Position.of(after.getToken(), after.getTenantId(), after.getKey());
    }

    public static Version toProto(StoredVersion version) {
        var clock = io.pairdb.proto.storage.v1.VectorClock.newBuilder();
        version.clock().entries().forEach((coordinator, timestamp) -> clock.addEntries(
                VectorClockEntry.newBuilder().setCoordinatorNodeId(coordinator).setLogicalTimestamp(timestamp)));
        return Version.newBuilder()
                .setValue(version.value())
                .setTombstone(version.tombstone())
                .setVectorClock(clock)
                .setTimestampMs(version.timestampMs())
                .build();
    }

    public static Entry toProto(StoredEntry entry) {
        return Entry.newBuilder()
                .setTenantId(entry.tenantId())
                .setKey(entry.key())
                .setToken(entry.token())
                .setVersion(toProto(entry.version()))
                .build();
    }

    public static WriteResponse toProto(ApplyResult result) {
        return WriteResponse.newBuilder()
                .setOutcome(toProto(result.outcome()))
                .setCurrent(toProto(result.current()))
                .build();
    }

    public static ApplyOutcome toProto(ConditionalApply.Outcome outcome) {
        return switch (outcome) {
            case APPLIED -> ApplyOutcome.APPLY_OUTCOME_APPLIED;
            case IGNORED -> ApplyOutcome.APPLY_OUTCOME_IGNORED;
            case MERGED -> ApplyOutcome.APPLY_OUTCOME_MERGED;
        };
    }

    public static void require(boolean condition, String message) {
        if (!condition) {
            throw invalidArgument(message);
        }
    }

    public static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    /** {@code RESOURCE_EXHAUSTED} with the refusal's reason as {@code ErrorInfo}, like the coordinator's errors. */
    static StatusRuntimeException writesRefused(WritesRefusedException refusal) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
                .setMessage(refusal.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(refusal.reason()).setDomain(ERROR_DOMAIN).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }
}
