package io.pairdb.adapters.grpc;

import com.google.protobuf.Timestamp;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.proto.admin.v1.NodeLiveness;
import java.time.Instant;

/** Domain tenants and nodes ↔ the admin API's messages. */
final class AdminProtoMapper {
    private AdminProtoMapper() {
    }

    static io.pairdb.proto.admin.v1.Tenant toProto(Tenant t) {
        var b = io.pairdb.proto.admin.v1.Tenant.newBuilder()
                .setTenantId(t.id().value())
                .setReplicationFactor(t.replicationFactor())
                .setCreatedAt(timestamp(t.createdAt()))
                .setUpdatedAt(timestamp(t.updatedAt()))
                .setVersion(t.version());
        t.pendingReplicationFactor().ifPresent(b::setPendingReplicationFactor);
        return b.build();
    }

    static io.pairdb.proto.admin.v1.StorageNode toProto(StorageNode n, double ownershipPercent) {
        return io.pairdb.proto.admin.v1.StorageNode.newBuilder()
                .setNodeId(n.id().value())
                .setHost(n.host())
                .setPort(n.port())
                .setVirtualNodes(n.virtualNodes())
                .setState(toProto(n.state()))
                .setLiveness(n.liveness() == Liveness.UP ? NodeLiveness.NODE_LIVENESS_UP : NodeLiveness.NODE_LIVENESS_DOWN)
                .setCreatedAt(timestamp(n.createdAt()))
                .setUpdatedAt(timestamp(n.updatedAt()))
                .setOwnershipPercent(ownershipPercent)
                .build();
    }

    static io.pairdb.proto.admin.v1.NodeState toProto(NodeState state) {
        return switch (state) {
            case NORMAL -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_NORMAL;
            case BOOTSTRAPPING -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_BOOTSTRAPPING;
            case LEAVING -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_LEAVING;
            case LEFT -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_LEFT;
        };
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
