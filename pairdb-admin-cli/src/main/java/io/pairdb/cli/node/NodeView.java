package io.pairdb.cli.node;

import io.pairdb.cli.output.Times;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.StorageNode;
import java.time.Instant;
import java.util.Locale;

/**
 * A storage node as the CLI prints it.
 *
 * @param status nodetool's two letters: liveness (U/D) then ring state (N/J/L)
 * @param state the ring state without the proto prefix, e.g. {@code BOOTSTRAPPING}
 * @param liveness {@code UP} or {@code DOWN}, as the answering coordinator's failure detector sees it
 * @param hintsPending hints waiting for the node; null when the coordinator could not read them
 */
record NodeView(
        String nodeId,
        String host,
        int port,
        String address,
        int virtualNodes,
        String state,
        String liveness,
        String status,
        double ownershipPercent,
        Long hintsPending,
        Instant createdAt,
        Instant updatedAt) {

    static NodeView from(StorageNode node) {
        return new NodeView(
                node.getNodeId(),
                node.getHost(),
                node.getPort(),
                (node.getHost().contains(":") ? "[" + node.getHost() + "]" : node.getHost()) + ":" + node.getPort(),
                node.getVirtualNodes(),
                stateName(node.getState()),
                livenessName(node.getLiveness()),
                "" + livenessLetter(node.getLiveness()) + stateLetter(node.getState()),
                node.getOwnershipPercent(),
                node.hasHintsPending() ? node.getHintsPending() : null,
                Times.instant(node.hasCreatedAt(), node.getCreatedAt()),
                Times.instant(node.hasUpdatedAt(), node.getUpdatedAt()));
    }

    /** The count, or {@code ?} when the coordinator could not read it. */
    String hintsText() {
        return hintsPending == null ? "?" : hintsPending.toString();
    }

    String ownershipText() {
        return String.format(Locale.ROOT, "%.1f%%", ownershipPercent);
    }

    private static String stateName(NodeState state) {
        return switch (state) {
            case NODE_STATE_NORMAL -> "NORMAL";
            case NODE_STATE_BOOTSTRAPPING -> "BOOTSTRAPPING";
            case NODE_STATE_BOOTSTRAPPED -> "BOOTSTRAPPED";
            case NODE_STATE_LEAVING -> "LEAVING";
            case NODE_STATE_HANDED_OVER -> "HANDED_OVER";
            case NODE_STATE_LEFT -> "LEFT";
            case NODE_STATE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }

    private static char stateLetter(NodeState state) {
        return switch (state) {
            case NODE_STATE_NORMAL -> 'N';
            case NODE_STATE_BOOTSTRAPPING, NODE_STATE_BOOTSTRAPPED -> 'J';
            case NODE_STATE_LEAVING, NODE_STATE_HANDED_OVER -> 'L';
            case NODE_STATE_LEFT -> '-';
            case NODE_STATE_UNSPECIFIED, UNRECOGNIZED -> '?';
        };
    }

    private static String livenessName(NodeLiveness liveness) {
        return switch (liveness) {
            case NODE_LIVENESS_UP -> "UP";
            case NODE_LIVENESS_DOWN -> "DOWN";
            case NODE_LIVENESS_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }

    private static char livenessLetter(NodeLiveness liveness) {
        return switch (liveness) {
            case NODE_LIVENESS_UP -> 'U';
            case NODE_LIVENESS_DOWN -> 'D';
            case NODE_LIVENESS_UNSPECIFIED, UNRECOGNIZED -> '?';
        };
    }
}
