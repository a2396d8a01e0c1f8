package io.pairdb.adapters.grpc;

import com.google.protobuf.Timestamp;
import io.pairdb.core.node.NodeId;
import io.pairdb.proto.admin.v1.ChangeTotals;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.GetChangeResponse;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.admin.v1.Tenant;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.gateway.AddStorageNodeRequest;
import io.pairdb.proto.gateway.AddStorageNodeResponse;
import io.pairdb.proto.gateway.CreateTenantRequest;
import io.pairdb.proto.gateway.CreateTenantResponse;
import io.pairdb.proto.gateway.GetMigrationStatusRequest;
import io.pairdb.proto.gateway.GetMigrationStatusResponse;
import io.pairdb.proto.gateway.GetTenantRequest;
import io.pairdb.proto.gateway.GetTenantResponse;
import io.pairdb.proto.gateway.ListStorageNodesResponse;
import io.pairdb.proto.gateway.MigrationProgress;
import io.pairdb.proto.gateway.ReadKeyValueRequest;
import io.pairdb.proto.gateway.ReadKeyValueResponse;
import io.pairdb.proto.gateway.RemoveStorageNodeRequest;
import io.pairdb.proto.gateway.RemoveStorageNodeResponse;
import io.pairdb.proto.gateway.StorageNodeInfo;
import io.pairdb.proto.gateway.UpdateReplicationFactorRequest;
import io.pairdb.proto.gateway.UpdateReplicationFactorResponse;
import io.pairdb.proto.gateway.VectorClock;
import io.pairdb.proto.gateway.VectorClockEntry;
import io.pairdb.proto.gateway.WriteKeyValueRequest;
import io.pairdb.proto.gateway.WriteKeyValueResponse;
import java.time.Instant;
import java.util.Map;

/**
 * The original gateway's {@code proto.CoordinatorService} messages ↔ the v1 services' messages.
 * Requests become the v1 request that does the same; v1 answers become the gateway's answers:
 * timestamps in Unix seconds, node and migration states as the gateway's strings.
 */
final class GatewayProtoMapper {
    static final String NODE_ADDITION = "node_addition";
    static final String NODE_DELETION = "node_deletion";
    /** Not in the original's list: its replication factor changes were not migrations. */
    static final String REPLICATION_FACTOR_CHANGE = "replication_factor_change";

    private GatewayProtoMapper() {
    }

    // ---- requests -------------------------------------------------------------------------------

    static io.pairdb.proto.coordinator.v1.WriteKeyValueRequest toV1(WriteKeyValueRequest r) {
        return io.pairdb.proto.coordinator.v1.WriteKeyValueRequest.newBuilder().setTenantId(r.getTenantId())
                .setKey(r.getKey()).setValue(r.getValue()).setConsistency(r.getConsistency())
                .setIdempotencyKey(r.getIdempotencyKey()).build();
    }

    static io.pairdb.proto.coordinator.v1.ReadKeyValueRequest toV1(ReadKeyValueRequest r) {
        return io.pairdb.proto.coordinator.v1.ReadKeyValueRequest.newBuilder().setTenantId(r.getTenantId())
                .setKey(r.getKey()).setConsistency(r.getConsistency()).build();
    }

    static io.pairdb.proto.admin.v1.CreateTenantRequest toV1(CreateTenantRequest r) {
        return io.pairdb.proto.admin.v1.CreateTenantRequest.newBuilder().setTenantId(r.getTenantId())
                .setReplicationFactor(r.getReplicationFactor()).build();
    }

    static io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest toV1(UpdateReplicationFactorRequest r) {
        return io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest.newBuilder().setTenantId(r.getTenantId())
                .setReplicationFactor(r.getNewReplicationFactor()).build();
    }

    static io.pairdb.proto.admin.v1.GetTenantRequest toV1(GetTenantRequest r) {
        return io.pairdb.proto.admin.v1.GetTenantRequest.newBuilder().setTenantId(r.getTenantId()).build();
    }

    static io.pairdb.proto.admin.v1.AddStorageNodeRequest toV1(AddStorageNodeRequest r) {
        return io.pairdb.proto.admin.v1.AddStorageNodeRequest.newBuilder().setNodeId(r.getNodeId()).setHost(r.getHost())
                .setPort(r.getPort()).setVirtualNodes(r.getVirtualNodes()).build();
    }

    static io.pairdb.proto.admin.v1.RemoveStorageNodeRequest toV1(RemoveStorageNodeRequest r) {
        return io.pairdb.proto.admin.v1.RemoveStorageNodeRequest.newBuilder().setNodeId(r.getNodeId())
                .setForce(r.getForce()).build();
    }

    static GetChangeRequest toV1(GetMigrationStatusRequest r) {
        return GetChangeRequest.newBuilder().setChangeId(r.getMigrationId()).build();
    }

    // ---- answers --------------------------------------------------------------------------------

    static WriteKeyValueResponse toGateway(io.pairdb.proto.coordinator.v1.WriteKeyValueResponse r) {
        return WriteKeyValueResponse.newBuilder().setSuccess(r.getSuccess()).setKey(r.getKey())
                .setIdempotencyKey(r.getIdempotencyKey()).setVectorClock(toGateway(r.getVectorClock()))
                .setReplicaCount(r.getReplicaCount()).setConsistency(r.getConsistency())
                .setIsDuplicate(r.getIsDuplicate()).build();
    }

    static ReadKeyValueResponse toGateway(io.pairdb.proto.coordinator.v1.ReadKeyValueResponse r) {
        return ReadKeyValueResponse.newBuilder().setSuccess(r.getSuccess()).setKey(r.getKey()).setValue(r.getValue())
                .setVectorClock(toGateway(r.getVectorClock())).build();
    }

    static VectorClock toGateway(io.pairdb.proto.coordinator.v1.VectorClock clock) {
        var b = VectorClock.newBuilder();
        clock.getEntriesList().forEach(e -> b.addEntries(VectorClockEntry.newBuilder()
                .setCoordinatorNodeId(e.getCoordinatorNodeId()).setLogicalTimestamp(e.getLogicalTimestamp())));
        return b.build();
    }

    static CreateTenantResponse toGateway(io.pairdb.proto.admin.v1.CreateTenantResponse r) {
        Tenant t = r.getTenant();
        return CreateTenantResponse.newBuilder().setSuccess(true).setTenantId(t.getTenantId())
                .setReplicationFactor(t.getReplicationFactor()).setCreatedAt(seconds(t.getCreatedAt())).build();
    }

    static GetTenantResponse toGateway(io.pairdb.proto.admin.v1.GetTenantResponse r) {
        Tenant t = r.getTenant();
        return GetTenantResponse.newBuilder().setSuccess(true).setTenantId(t.getTenantId())
                .setReplicationFactor(t.getReplicationFactor()).setCreatedAt(seconds(t.getCreatedAt()))
                .setUpdatedAt(seconds(t.getUpdatedAt())).build();
    }

    /** The factors the change moves between; both the tenant's factor when nothing changed. */
    static UpdateReplicationFactorResponse toGateway(io.pairdb.proto.admin.v1.UpdateReplicationFactorResponse r) {
        Tenant t = r.getTenant();
        var b = UpdateReplicationFactorResponse.newBuilder().setSuccess(true).setTenantId(t.getTenantId())
                .setUpdatedAt(seconds(t.getUpdatedAt()));
        if (r.hasChange()) {
            TopologyChange c = r.getChange();
            return b.setOldReplicationFactor(c.getFromReplicationFactor())
                    .setNewReplicationFactor(c.getToReplicationFactor()).setMigrationId(c.getChangeId()).build();
        }
        return b.setOldReplicationFactor(t.getReplicationFactor()).setNewReplicationFactor(t.getReplicationFactor()).build();
    }

    static AddStorageNodeResponse toGateway(io.pairdb.proto.admin.v1.AddStorageNodeResponse r) {
        TopologyChange c = r.getChange();
        String message = ended(c)
                ? "node " + c.getNodeId() + " joined the ring at once: it had nothing to receive (ring epoch "
                        + r.getRingEpoch() + ")"
                : "node " + c.getNodeId() + " is bootstrapping: " + c.getTotals().getStreams()
                        + " ranges to receive; follow migration " + c.getChangeId();
        return AddStorageNodeResponse.newBuilder().setSuccess(true).setNodeId(r.getNode().getNodeId())
                .setMigrationId(c.getChangeId()).setMessage(message).setEstimatedCompletion(endedAt(c)).build();
    }

    static RemoveStorageNodeResponse toGateway(io.pairdb.proto.admin.v1.RemoveStorageNodeResponse r) {
        TopologyChange c = r.getChange();
        // a removal is always driven, never ended as it starts
        String message = "node " + c.getNodeId() + " is draining" + (c.getForce() ? " (forced: its ranges are copied"
                + " from the surviving replicas)" : "") + ": " + c.getTotals().getStreams()
                + " ranges to hand over; follow migration " + c.getChangeId();
        return RemoveStorageNodeResponse.newBuilder().setSuccess(true).setNodeId(r.getNode().getNodeId())
                .setMigrationId(c.getChangeId()).setMessage(message).setEstimatedCompletion(endedAt(c)).build();
    }

    /**
     * Progress counts token ranges copied (the unit the coordinator tracks); keys are those copied
     * so far, and the total only once the migration completed. While it runs, the completion is
     * extrapolated from the share of ranges done at {@code now}.
     */
    static GetMigrationStatusResponse toGateway(GetChangeResponse r, Instant now) {
        TopologyChange c = r.getChange();
        ChangeTotals t = c.getTotals();
        boolean completed = c.getStatus() == io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_COMPLETED;
        float percentage = t.getStreams() == 0 ? (completed ? 100f : 0f) : 100f * t.getDone() / t.getStreams();
        return GetMigrationStatusResponse.newBuilder()
                .setSuccess(true)
                .setMigrationId(c.getChangeId())
                .setType(migrationType(c.getType()))
                .setNodeId(c.getNodeId())
                .setStatus(migrationStatus(c))
                .setProgress(MigrationProgress.newBuilder().setKeysMigrated(t.getKeys())
                        .setTotalKeys(completed ? t.getKeys() : 0).setPercentage(percentage))
                .setStartedAt(seconds(c.getStartedAt()))
                .setEstimatedCompletion(ended(c) ? endedAt(c) : extrapolatedEnd(c, now))
                .setErrorMessage(c.getError())
                .build();
    }

    /** Every node with its key count; a node missing from {@code keyCounts} did not say (0). */
    static ListStorageNodesResponse toGateway(io.pairdb.proto.admin.v1.ListStorageNodesResponse r,
                                              Map<NodeId, Long> keyCounts) {
        var b = ListStorageNodesResponse.newBuilder().setSuccess(true);
        r.getNodesList().forEach(n -> b.addNodes(StorageNodeInfo.newBuilder().setNodeId(n.getNodeId())
                .setHost(n.getHost()).setPort(n.getPort()).setStatus(nodeStatus(n)).setVirtualNodes(n.getVirtualNodes())
                .setKeysCount(keyCounts.getOrDefault(new NodeId(n.getNodeId()), 0L))));
        return b.build();
    }

    static String migrationType(io.pairdb.proto.admin.v1.ChangeType type) {
        return switch (type) {
            case CHANGE_TYPE_ADD_NODE -> NODE_ADDITION;
            case CHANGE_TYPE_REMOVE_NODE -> NODE_DELETION;
            case CHANGE_TYPE_CHANGE_RF -> REPLICATION_FACTOR_CHANGE;
            case CHANGE_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("a change without a type");
        };
    }

    /**
     * {@code pending} until its first range starts streaming (e.g. while every coordinator is
     * still moving to the change's ring epoch), then {@code in_progress}; a change that failed
     * and was undone is {@code failed}, one undone on request {@code cancelled}.
     */
    static String migrationStatus(TopologyChange c) {
        return switch (c.getStatus()) {
            case CHANGE_STATUS_IN_PROGRESS ->
                    c.getTotals().getStreaming() == 0 && c.getTotals().getDone() == 0 ? "pending" : "in_progress";
            case CHANGE_STATUS_COMPLETED -> "completed";
            case CHANGE_STATUS_FAILED -> "failed";
            case CHANGE_STATUS_ROLLED_BACK -> "cancelled";
            case CHANGE_STATUS_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("a change without a status");
        };
    }

    /** {@code active} serves (or, joining, takes writes), {@code draining} hands its ranges over, {@code inactive} neither. */
    static String nodeStatus(StorageNode n) {
        if (n.getLiveness() == io.pairdb.proto.admin.v1.NodeLiveness.NODE_LIVENESS_DOWN) {
            return "inactive";
        }
        return switch (n.getState()) {
            case NODE_STATE_NORMAL, NODE_STATE_BOOTSTRAPPING, NODE_STATE_BOOTSTRAPPED -> "active";
            case NODE_STATE_LEAVING, NODE_STATE_HANDED_OVER -> "draining";
            case NODE_STATE_LEFT, NODE_STATE_UNSPECIFIED, UNRECOGNIZED -> "inactive";
        };
    }

    private static boolean ended(TopologyChange c) {
        return c.hasCompletedAt();
    }

    private static long endedAt(TopologyChange c) {
        return c.hasCompletedAt() ? seconds(c.getCompletedAt()) : 0;
    }

    /** Started plus the time taken so far scaled by ranges total / done; 0 before the first range is done. */
    private static long extrapolatedEnd(TopologyChange c, Instant now) {
        ChangeTotals t = c.getTotals();
        if (t.getDone() == 0) {
            return 0;
        }
        long startedMillis = c.getStartedAt().getSeconds() * 1000 + c.getStartedAt().getNanos() / 1_000_000;
        long elapsedMillis = Math.max(0, now.toEpochMilli() - startedMillis);
        double totalMillis = (double) elapsedMillis * t.getStreams() / t.getDone();
        return Math.floorDiv(startedMillis + (long) Math.ceil(totalMillis), 1000L);
    }

    /** Unix seconds, as the gateway's contract has every timestamp. */
    static long seconds(Timestamp ts) {
        return ts.getSeconds();
    }
}
