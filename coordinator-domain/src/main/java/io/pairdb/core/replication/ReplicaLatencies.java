package io.pairdb.core.replication;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This coordinator's recent latency of each storage node: an exponentially weighted moving average
 * of the durations of the replica reads it has answered, each new one weighing {@link #WEIGHT}.
 * Read rounds feed it (timed with the {@link io.pairdb.core.port.Clock} port, so a simulation
 * drives it deterministically) and order the replicas they ask with {@link #fastestFirst}.
 * Thread-safe.
 */
public final class ReplicaLatencies {
    /** The weight of the newest duration: about the last ten answers dominate the estimate. */
    static final double WEIGHT = 0.2;

    private final Map<NodeId, Double> averageMillis = new ConcurrentHashMap<>();

    /** Counts one answer of {@code node} that took {@code took}; a negative duration is refused. */
    public void record(NodeId node, Duration took) {
        Objects.requireNonNull(node, "node");
        if (took.isNegative()) {
            throw new IllegalArgumentException("a replica call cannot take a negative time, was " + took);
        }
        double millis = took.toNanos() / 1_000_000.0;
        averageMillis.merge(node, millis, (old, now) -> old + WEIGHT * (now - old));
    }

    /** The node's recent latency, or empty if it has not answered this coordinator yet. */
    public Optional<Duration> estimate(NodeId node) {
        Double millis = averageMillis.get(node);
        return millis == null ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(millis * 1_000_000)));
    }

    /**
     * The same nodes, those expected to answer first in front. A node not measured yet counts as
     * fastest, so that it gets measured; ties keep the given order (the ring's), so the order is
     * deterministic. Filtering (liveness, consistency level) is the caller's: this only orders.
     */
    public List<StorageNode> fastestFirst(List<StorageNode> nodes) {
        return nodes.stream()
                .sorted(Comparator.comparingDouble(n -> averageMillis.getOrDefault(n.id(), 0.0)))
                .toList();
    }
}
