package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.topology.StreamState;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.util.Map;

/** Topology changes ↔ the admin API's messages, and refused starts → gRPC errors. */
final class ChangeProtoMapper {
    private ChangeProtoMapper() {
    }

    /** The change, with its per-range streams only when {@code withStreams}. */
    static io.pairdb.proto.admin.v1.TopologyChange toProto(TopologyChange c, boolean withStreams) {
        TopologyChange.Totals t = c.totals();
        var b = io.pairdb.proto.admin.v1.TopologyChange.newBuilder()
                .setChangeId(c.id().value())
                .setType(toProto(c.type()))
                .setStatus(toProto(c.status()))
                .setRingEpoch(c.ringEpoch())
                .setForce(c.force())
                .setUnrecoverableRanges(c.unrecoverableRanges())
                .setTotals(io.pairdb.proto.admin.v1.ChangeTotals.newBuilder().setStreams(t.streams())
                        .setPending(t.pending()).setStreaming(t.streaming()).setDone(t.done()).setKeys(t.keys())
                        .setBytes(t.bytes()))
                .setStartedAt(AdminProtoMapper.timestamp(c.startedAt()))
                .setUpdatedAt(AdminProtoMapper.timestamp(c.updatedAt()));
        c.node().ifPresent(n -> b.setNodeId(n.value()));
        c.replication().ifPresent(r -> b.setTenantId(r.tenant().value()).setFromReplicationFactor(r.from())
                .setToReplicationFactor(r.to()));
        c.completedAt().ifPresent(at -> b.setCompletedAt(AdminProtoMapper.timestamp(at)));
        c.error().ifPresent(b::setError);
        c.lease().ifPresent(l -> b.setLeaseOwner(l.owner()).setLeaseExpiresAt(AdminProtoMapper.timestamp(l.expiresAt())));
        if (withStreams) {
            c.streams().forEach(s -> b.addStreams(toProto(s)));
        }
        return b.build();
    }

    static io.pairdb.proto.admin.v1.RangeStream toProto(RangeStream s) {
        var b = io.pairdb.proto.admin.v1.RangeStream.newBuilder()
                .setIndex(s.index())
                .setStartExclusive(s.range().start().value())
                .setEndInclusive(s.range().end().value())
                .setTargetNodeId(s.target().value())
                .setState(toProto(s.state()))
                .setKeys(s.keys())
                .setBytes(s.bytes());
        s.sources().forEach(n -> b.addSourceNodeIds(n.value()));
        s.replicationFactors().forEach(b::addReplicationFactors);
        if (s.tenants() instanceof TenantFilter.Only only) {
            only.tenants().forEach(t -> b.addTenantIds(t.value()));
        }
        s.after().ifPresent(p -> b.setLastToken(p.token().value()));
        s.failingSince().ifPresent(at -> b.setFailingSince(AdminProtoMapper.timestamp(at)));
        s.lastError().ifPresent(b::setLastError);
        return b.build();
    }

    static io.pairdb.proto.admin.v1.ChangeType toProto(ChangeType type) {
        return switch (type) {
            case ADD_NODE -> io.pairdb.proto.admin.v1.ChangeType.CHANGE_TYPE_ADD_NODE;
            case REMOVE_NODE -> io.pairdb.proto.admin.v1.ChangeType.CHANGE_TYPE_REMOVE_NODE;
            case CHANGE_RF -> io.pairdb.proto.admin.v1.ChangeType.CHANGE_TYPE_CHANGE_RF;
        };
    }

    static io.pairdb.proto.admin.v1.ChangeStatus toProto(ChangeStatus status) {
        return switch (status) {
            case IN_PROGRESS -> io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_IN_PROGRESS;
            case COMPLETED -> io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_COMPLETED;
            case FAILED -> io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_FAILED;
            case ROLLED_BACK -> io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_ROLLED_BACK;
        };
    }

    private static io.pairdb.proto.admin.v1.StreamState toProto(StreamState state) {
        return switch (state) {
            case PENDING -> io.pairdb.proto.admin.v1.StreamState.STREAM_STATE_PENDING;
            case STREAMING -> io.pairdb.proto.admin.v1.StreamState.STREAM_STATE_STREAMING;
            case DONE -> io.pairdb.proto.admin.v1.StreamState.STREAM_STATE_DONE;
        };
    }

    /** The change that started, or the error that says why none did. */
    static StartOutcome.Started startedOrThrow(StartOutcome outcome) {
        return switch (outcome) {
            case StartOutcome.Started started -> started;
            case StartOutcome.NodeExists e -> throw GrpcErrors.error(Status.Code.ALREADY_EXISTS, "NODE_ALREADY_EXISTS",
                    "storage node '" + e.id() + "' is already registered");
            case StartOutcome.AddressInUse a -> throw GrpcErrors.error(Status.Code.ALREADY_EXISTS, "NODE_ADDRESS_IN_USE",
                    "address " + a.address() + " is already registered as node '" + a.byNode() + "'");
            case StartOutcome.NodeNotFound n -> throw GrpcErrors.error(Status.Code.NOT_FOUND, "NODE_NOT_FOUND",
                    "storage node '" + n.id() + "' is not registered");
            case StartOutcome.NodeNotNormal n -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NODE_NOT_NORMAL",
                    "storage node '" + n.id() + "' is " + n.state() + "; only a NORMAL node can be removed");
            case StartOutcome.TooFewNodes t -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "TOO_FEW_NODES",
                    "removing '" + t.id() + "' would leave " + t.remaining() + " nodes for replication factor "
                            + t.largestReplicationFactor() + "; lower the tenants' RF first, or force it");
            case StartOutcome.NodeDown d -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NODE_DOWN",
                    "storage node '" + d.id() + "' does not answer (" + d.reason()
                            + "); force removes it by streaming its ranges from the surviving replicas");
            case StartOutcome.NodeUnreachable u -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NODE_DOWN",
                    "storage node '" + u.id() + "' does not answer its health probe (" + u.reason()
                            + "); a node is added once it can say whether it holds data");
            case StartOutcome.HoldsData h -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NODE_HOLDS_DATA",
                    "storage node '" + h.id() + "' already holds " + h.keys() + " entries (from an earlier membership or "
                            + "another cluster); versions whose tombstones were purged elsewhere would bring deleted keys "
                            + "back. Empty it, or add it with --allow-existing-data if its data may join",
                    Map.of("keys", String.valueOf(h.keys())));
            case StartOutcome.GcGraceTooShort g -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "TOMBSTONE_GC_GRACE_TOO_SHORT", "storage node '" + g.id() + "' purges tombstones after " + g.reported()
                            + ", less than pairdb.storage.tombstone-gc-grace (" + g.required() + "), within which hints "
                            + "and cleanups are done; a deleted key could come back. Raise the node's gc grace");
            case StartOutcome.Conflicting c -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "CHANGE_CONFLICT",
                    "refused: " + c.reason() + "; wait for change " + c.other() + " to end",
                    Map.of("change_id", c.other().value()));
            case StartOutcome.RepairRunning r -> throw RepairProtoMapper.repairRunning(r.run(), r.reason());
            case StartOutcome.Contended c -> throw GrpcErrors.error(Status.Code.ABORTED, "CONCURRENT_MODIFICATION",
                    "the ring kept changing under the request (" + c.attempts() + " attempts); retry");
        };
    }

    static StatusRuntimeException changeNotFound(String id) {
        return GrpcErrors.error(Status.Code.NOT_FOUND, "CHANGE_NOT_FOUND", "topology change '" + id + "' does not exist");
    }
}
