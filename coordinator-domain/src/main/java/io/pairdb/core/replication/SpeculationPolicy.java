package io.pairdb.core.replication;

import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a read round whose quorum has not answered asks one more replica: a percentile of the
 * recent latency of the replicas it asked, a fixed time, or the lesser of the two.
 */
public sealed interface SpeculationPolicy {
    /**
     * How long the round waits for the replicas in {@code asked} before it asks another.
     * A percentile is taken of the slowest of them (the quorum waits for every one); while one
     * of them has not been measured yet, a percentile policy waits {@code unmeasured} instead.
     */
    Duration after(List<StorageNode> asked, ReplicaLatencies latencies, Duration unmeasured);

    /** After {@code after}, whatever the replicas' latencies. */
    record Fixed(Duration after) implements SpeculationPolicy {
        public Fixed {
            requireValid(after);
        }

        @Override
        public Duration after(List<StorageNode> asked, ReplicaLatencies latencies, Duration unmeasured) {
            return after;
        }
    }

    /** Once the slowest asked replica is later than {@code percentile} % of its recent answers. */
    record Percentile(double percentile) implements SpeculationPolicy {
        public Percentile {
            requireValid(percentile);
        }

        @Override
        public Duration after(List<StorageNode> asked, ReplicaLatencies latencies, Duration unmeasured) {
            return slowest(asked, latencies, percentile).orElse(unmeasured);
        }
    }

    /** Whichever comes first: the percentile or the fixed time. */
    record LesserOf(double percentile, Duration after) implements SpeculationPolicy {
        public LesserOf {
            requireValid(percentile);
            requireValid(after);
        }

        @Override
        public Duration after(List<StorageNode> asked, ReplicaLatencies latencies, Duration unmeasured) {
            return slowest(asked, latencies, percentile).filter(p -> p.compareTo(after) < 0).orElse(after);
        }
    }

    private static void requireValid(Duration after) {
        Objects.requireNonNull(after, "after");
        if (after.isNegative()) {
            throw new IllegalArgumentException("a speculation delay must not be negative, was " + after);
        }
    }

    private static void requireValid(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("a percentile is within (0, 100], was " + percentile);
        }
    }

    /** The largest percentile among the asked replicas; empty if any of them is unmeasured. */
    private static Optional<Duration> slowest(List<StorageNode> asked, ReplicaLatencies latencies, double percentile) {
        Duration slowest = Duration.ZERO;
        for (StorageNode node : asked) {
            Optional<Duration> p = latencies.percentile(node.id(), percentile);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            slowest = p.get().compareTo(slowest) > 0 ? p.get() : slowest;
        }
        return Optional.of(slowest);
    }
}
