package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one replay run did for a node.
 *
 * @param delivered hints the node acknowledged (applied, or ignored as already superseded there)
 * @param failed deliveries that failed, each counted as an attempt of its hint
 * @param dropped hints given up on, by reason
 * @param remaining hints still waiting for the node when the run ended; empty if the store could not say
 */
public record ReplayReport(NodeId target, Ending ending, long delivered, long failed, Map<DropReason, Long> dropped,
                           OptionalLong remaining) {
    /** Why the run stopped. */
    public enum Ending {
        /** No unclaimed hint was left for the node. */
        DRAINED,
        /** The node is marked DOWN; its hints wait until it is seen UP. */
        NODE_DOWN,
        /** The node is not in the ring this coordinator serves. */
        NODE_UNKNOWN,
        /** A batch could not be delivered; the next trigger (UP transition or the periodic run) retries it. */
        DELIVERY_FAILED,
        /** The hint store could not be reached. */
        STORE_UNAVAILABLE,
        /**
         * Every other hint was replayed, but some of a node that left the ring have no replica that can
         * take them now (all DOWN, or fewer nodes than their tenant's RF): they wait, spending no attempt,
         * claimed for a while so that the hints behind them go first, until one can or their TTL runs out.
         */
        NO_REPLICA
    }

    public ReplayReport {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(ending, "ending");
        Objects.requireNonNull(remaining, "remaining");
        EnumMap<DropReason, Long> complete = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            complete.put(reason, dropped.getOrDefault(reason, 0L));
        }
        dropped = Map.copyOf(complete);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
