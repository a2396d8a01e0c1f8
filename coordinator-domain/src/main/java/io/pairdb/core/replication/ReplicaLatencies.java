package io.pairdb.core.replication;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This coordinator's recent latency of each storage node: an exponentially weighted moving average
 * of the durations of the replica reads it has answered, each new one weighing {@link #WEIGHT}, and
 * the last {@link #WINDOW} durations for percentiles.
 * Read rounds feed it (timed with the {@link io.pairdb.core.port.Clock} port, so a simulation
 * drives it deterministically) and order the replicas they ask with {@link #fastestFirst}. It
 * also counts every successful answer of a node, reads' and writes' alike ({@link #answers}):
 * the failure detector's evidence that a node whose health probe is late is busy, not gone.
 * Thread-safe.
 */
public final class ReplicaLatencies {
    /** The weight of the newest duration: about the last ten answers dominate the estimate. */
    static final double WEIGHT = 0.2;

    /** How many recent durations of a node {@link #percentile} looks at. */
    static final int WINDOW = 128;

    private final Map<NodeId, Double> averageMillis = new ConcurrentHashMap<>();
    private final Map<NodeId, Window> recent = new ConcurrentHashMap<>();
    private final Map<NodeId, LongAdder> answers = new ConcurrentHashMap<>();

    /** Counts one answer of {@code node} that took {@code took}; a negative duration is refused. */
    public void record(NodeId node, Duration took) {
        Objects.requireNonNull(node, "node");
        if (took.isNegative()) {
            throw new IllegalArgumentException("a replica call cannot take a negative time, was " + took);
        }
        answered(node);
        double millis = took.toNanos() / 1_000_000.0;
        averageMillis.merge(node, millis, (old, now) -> old + WEIGHT * (now - old));
        recent.computeIfAbsent(node, n -> new Window()).add(took.toNanos());
    }

    /** Counts one successful answer of {@code node} to a data call, not timed (a replica write's). */
    public void answered(NodeId node) {
        answers.computeIfAbsent(Objects.requireNonNull(node, "node"), n -> new LongAdder()).increment();
    }

    /** How many data calls {@code node} has answered successfully so far: a count that only grows. */
    public long answers(NodeId node) {
        LongAdder count = answers.get(node);
        return count == null ? 0 : count.sum();
    }

    /**
     * The duration that {@code percentile} % of the node's last {@link #WINDOW} answers took at
     * most (nearest rank), or empty if it has not answered yet.
     *
     * @param percentile in (0, 100]
     */
    public Optional<Duration> percentile(NodeId node, double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("a percentile is within (0, 100], was " + percentile);
        }
        Window window = recent.get(node);
        return window == null ? Optional.empty() : window.percentile(percentile).map(Duration::ofNanos);
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

    /**
     * The last {@link #WINDOW} durations of one node, in nanoseconds: in the order they came (to
     * know which one leaves the window next) and kept sorted as they come and go, so that a
     * percentile, which every read round asks for, is a lookup rather than a sort of the window.
     */
    private static final class Window {
        private final long[] arrivals = new long[WINDOW];
        private final long[] sorted = new long[WINDOW];
        private int count;
        private int next;

        synchronized void add(long took) {
            if (count == WINDOW) {
                // the oldest leaves: any one of the equal values in the sorted copy will do
                int leaving = Arrays.binarySearch(sorted, 0, count, arrivals[next]);
                System.arraycopy(sorted, leaving + 1, sorted, leaving, count - leaving - 1);
                count--;
            }
            int at = Arrays.binarySearch(sorted, 0, count, took);
            int insert = at >= 0 ? at : -at - 1;
            System.arraycopy(sorted, insert, sorted, insert + 1, count - insert);
            sorted[insert] = took;
            count++;
            arrivals[next] = took;
            next = (next + 1) % WINDOW;
        }

        synchronized Optional<Long> percentile(double percentile) {
            if (count == 0) {
                return Optional.empty();
            }
            int rank = (int) Math.ceil(percentile / 100 * count);
            return Optional.of(sorted[Math.max(rank, 1) - 1]);
        }
    }
}
