package io.pairdb.adapters.grpc;

import io.pairdb.core.hints.DropReason;
import io.pairdb.core.hints.HintReport;
import io.pairdb.core.hints.ReplayReport;
import io.pairdb.core.node.Liveness;
import io.pairdb.proto.admin.v1.GetHintStatsResponse;
import io.pairdb.proto.admin.v1.HintsDropped;
import io.pairdb.proto.admin.v1.NodeHintStats;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.ReplayEnding;
import io.pairdb.proto.admin.v1.ReplayHintsResponse;
import java.time.Duration;
import java.util.Map;

/** Hint reports of the core ↔ the admin API's messages. */
final class HintProtoMapper {
    private HintProtoMapper() {
    }

    static GetHintStatsResponse toProto(HintReport report) {
        var b = GetHintStatsResponse.newBuilder()
                .setTakenAt(AdminProtoMapper.timestamp(report.takenAt()))
                .setCoordinatorId(report.coordinatorId())
                .setCountingSince(AdminProtoMapper.timestamp(report.countingSince()));
        for (HintReport.NodeHints n : report.nodes()) {
            var node = NodeHintStats.newBuilder()
                    .setNodeId(n.target().value())
                    .setLiveness(n.liveness().map(HintProtoMapper::toProto).orElse(NodeLiveness.NODE_LIVENESS_UNSPECIFIED))
                    .setPending(n.pending())
                    .setOldestAgeMs(n.oldestAge(report.takenAt()).map(Duration::toMillis).orElse(0L))
                    .setReplayed(n.sinceStart().replayed())
                    .setFailedDeliveries(n.sinceStart().failedDeliveries())
                    .setDropped(toProto(n.sinceStart().dropped()));
            n.oldestCreatedAt().ifPresent(t -> node.setOldestCreatedAt(AdminProtoMapper.timestamp(t)));
            b.addNodes(node);
        }
        return b.build();
    }

    static ReplayHintsResponse toProto(ReplayReport report) {
        var b = ReplayHintsResponse.newBuilder()
                .setNodeId(report.target().value())
                .setEnding(toProto(report.ending()))
                .setDelivered(report.delivered())
                .setFailedDeliveries(report.failed())
                .setDropped(toProto(report.dropped()));
        report.remaining().ifPresent(b::setRemaining);
        return b.build();
    }

    static NodeLiveness toProto(Liveness liveness) {
        return switch (liveness) {
            case UP -> NodeLiveness.NODE_LIVENESS_UP;
            case DOWN -> NodeLiveness.NODE_LIVENESS_DOWN;
        };
    }

    private static HintsDropped toProto(Map<DropReason, Long> dropped) {
        return HintsDropped.newBuilder()
                .setMaxAttempts(dropped.getOrDefault(DropReason.MAX_ATTEMPTS, 0L))
                .setExpired(dropped.getOrDefault(DropReason.EXPIRED, 0L))
                .setNotAReplica(dropped.getOrDefault(DropReason.NOT_A_REPLICA, 0L))
                .build();
    }

    private static ReplayEnding toProto(ReplayReport.Ending ending) {
        return switch (ending) {
            case DRAINED -> ReplayEnding.REPLAY_ENDING_DRAINED;
            case NODE_DOWN -> ReplayEnding.REPLAY_ENDING_NODE_DOWN;
            case NODE_UNKNOWN -> ReplayEnding.REPLAY_ENDING_NODE_UNKNOWN;
            case DELIVERY_FAILED -> ReplayEnding.REPLAY_ENDING_DELIVERY_FAILED;
            case STORE_UNAVAILABLE -> ReplayEnding.REPLAY_ENDING_STORE_UNAVAILABLE;
            case NO_REPLICA -> ReplayEnding.REPLAY_ENDING_NO_REPLICA;
        };
    }
}
