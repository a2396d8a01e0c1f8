package io.pairdb.adapters.grpc;

import com.google.protobuf.Timestamp;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.ExplainKey;
import io.pairdb.core.ring.RingDescription;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.EstimateChange;
import io.pairdb.proto.admin.v1.ChangePlan;
import io.pairdb.proto.admin.v1.DescribeRingResponse;
import io.pairdb.proto.admin.v1.ExplainKeyResponse;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeOwnership;
import io.pairdb.proto.admin.v1.PlanWarning;
import io.pairdb.proto.admin.v1.PlannedStream;
import io.pairdb.proto.admin.v1.RingRange;
import java.time.Instant;

/** Domain tenants, nodes, dry-run plans and ring descriptions ↔ the admin API's messages. */
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
        t.speculation().ifPresent(policy -> b.setSpeculation(policy.text()));
        b.setOpsPerSecond(t.quota().opsPerSecond()).setBytesPerSecond(t.quota().bytesPerSecond());
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
            case BOOTSTRAPPED -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_BOOTSTRAPPED;
            case LEAVING -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_LEAVING;
            case HANDED_OVER -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_HANDED_OVER;
            case LEFT -> io.pairdb.proto.admin.v1.NodeState.NODE_STATE_LEFT;
        };
    }

    /** A dry run's plan; warnings that would refuse the real request carry its error's reason and message. */
    static ChangePlan toProto(EstimateChange.ChangePlan plan) {
        var b = ChangePlan.newBuilder()
                .setType(ChangeProtoMapper.toProto(plan.change().type()))
                .setNodeId(plan.change().node().orElseThrow().value())
                .setRingEpoch(plan.ringEpoch())
                .setForce(plan.change().force())
                .setUnrecoverableRanges(plan.change().unrecoverableRanges());
        plan.ownership().forEach(o -> b.addOwnership(NodeOwnership.newBuilder().setNodeId(o.node().value())
                .setBeforePercent(o.beforePercent()).setAfterPercent(o.afterPercent())));
        plan.streams().forEach(s -> {
            var stream = PlannedStream.newBuilder().setStream(ChangeProtoMapper.toProto(s.stream()));
            s.estimatedKeys().ifPresent(stream::setEstimatedKeys);
            b.addStreams(stream);
        });
        plan.estimatedKeys().ifPresent(b::setEstimatedKeys);
        plan.estimatedBytes().ifPresent(b::setEstimatedBytes);
        plan.warnings().forEach(w -> b.addWarnings(toProto(w)));
        return b.build();
    }

    private static PlanWarning toProto(EstimateChange.Warning warning) {
        return switch (warning) {
            case EstimateChange.Warning.WouldRefuse refuse -> {
                OutcomeErrors.Refusal refusal = OutcomeErrors.refusal(refuse.refusal());
                yield PlanWarning.newBuilder().setReason(refusal.reason()).setBlocking(true)
                        .setMessage(GrpcErrors.cut(refusal.message(), GrpcErrors.MAX_MESSAGE_BYTES)).build();
            }
            case EstimateChange.Warning.NodeDown d -> PlanWarning.newBuilder().setReason("NODE_DOWN")
                    .setMessage("storage node '" + d.node() + "' does not answer: its ranges are streamed from the"
                            + " surviving replicas").build();
            case EstimateChange.Warning.ReplicasLost l -> PlanWarning.newBuilder().setReason("REPLICAS_LOST")
                    .setMessage(l.ranges() + " ranges are held by no surviving replica: their data is lost with '"
                            + l.node() + "'").build();
            case EstimateChange.Warning.TooFewNodes t -> PlanWarning.newBuilder().setReason("TOO_FEW_NODES")
                    .setMessage("removing '" + t.node() + "' leaves " + t.remaining()
                            + " nodes for replication factor " + t.largestReplicationFactor()
                            + ": tenants with that RF cannot be fully served").build();
            case EstimateChange.Warning.KeyCountsUnknown u -> PlanWarning.newBuilder().setReason("KEY_COUNTS_UNKNOWN")
                    .setMessage("no key count from " + u.nodes().stream().map(NodeId::value).toList()
                            + ": estimates that depend on them are unknown").build();
        };
    }

    static ExplainKeyResponse toProto(ExplainKey.Outcome.Explained explained) {
        var b = ExplainKeyResponse.newBuilder().setToken(explained.token().value())
                .setReplicationFactor(explained.replicationFactor()).setRingEpoch(explained.ringEpoch());
        explained.natural().forEach(n -> b.addReplicaNodeIds(n.value()));
        explained.pending().forEach(n -> b.addPendingNodeIds(n.value()));
        return b.build();
    }

    static DescribeRingResponse toProto(RingDescription ring) {
        var b = DescribeRingResponse.newBuilder().setRingEpoch(ring.epoch()).setReplicationFactor(ring.replicationFactor());
        ring.ranges().forEach(r -> {
            var range = RingRange.newBuilder().setStartExclusive(r.range().start().value())
                    .setEndInclusive(r.range().end().value());
            r.natural().forEach(n -> range.addReplicaNodeIds(n.value()));
            r.pending().forEach(n -> range.addPendingNodeIds(n.value()));
            b.addRanges(range);
        });
        return b.build();
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
