package io.pairdb.adapters.grpc;

import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.StreamState;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;

/** Topology changes → the admin API's messages (refused starts: {@link OutcomeErrors}). */
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
}
