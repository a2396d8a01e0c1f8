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

    /** The policy as {@link #parse} reads it: {@code p99}, {@code 250ms}, or {@code p99,250ms}. */
    String text();

    /**
     * A policy from its text: {@code pN} (a percentile in (0, 100], e.g. {@code p99} or
     * {@code p99.9}), a time in {@code ms} or {@code s} (e.g. {@code 250ms}), or both separated by
     * a comma (the lesser of the two).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    static SpeculationPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.strip().split("\\s*,\\s*", -1);
        try {
            if (parts.length == 1) {
                return parts[0].startsWith("p") ? new Percentile(percentile(parts[0])) : new Fixed(duration(parts[0]));
            }
            if (parts.length == 2) {
                return new LesserOf(percentile(parts[0]), duration(parts[1]));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("speculation policy '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("speculation policy '" + text
                + "': expected a percentile (p99), a time (250ms) or both (p99,250ms)");
    }

    /**
     * A policy being set (a configuration, an admin call): {@link #parse}, and a delay of at most
     * {@link #MAX_DELAY}. Policies stored before are read with {@link #parse}, whatever their delay.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    static SpeculationPolicy parseSetting(String text) {
        SpeculationPolicy policy = parse(text);
        Optional<Duration> after = switch (policy) {
            case Fixed f -> Optional.of(f.after());
            case LesserOf l -> Optional.of(l.after());
            case Percentile p -> Optional.empty();
        };
        if (after.isPresent() && after.get().compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("speculation policy '" + text + "': a delay is at most 1 day (86400s)");
        }
        return policy;
    }

    /** After {@code after}, whatever the replicas' latencies. */
    record Fixed(Duration after) implements SpeculationPolicy {
        public Fixed {
            requireValid(after);
        }

        @Override
        public Duration after(List<StorageNode> asked, ReplicaLatencies latencies, Duration unmeasured) {
            return after;
        }

        @Override
        public String text() {
            return after.toMillis() + "ms";
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

        @Override
        public String text() {
            return percentileText(percentile);
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

        @Override
        public String text() {
            return percentileText(percentile) + "," + after.toMillis() + "ms";
        }
    }

    private static String percentileText(double percentile) {
        return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
    }

    private static double percentile(String text) {
        if (!text.startsWith("p")) {
            throw new IllegalArgumentException("a percentile is written pN, e.g. p99, was '" + text + "'");
        }
        try {
            return Double.parseDouble(text.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a percentile is written pN, e.g. p99, was '" + text + "'", e);
        }
    }

    private static Duration duration(String text) {
        String explained = "a time is written in ms or s, e.g. 250ms, was '" + text + "'";
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(explained, e);
        }
        throw new IllegalArgumentException(explained);
    }

    /** The longest delay a policy may be set to: far past any request's deadline, so it means "never". */
    Duration MAX_DELAY = Duration.ofDays(1);

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

    /**
     * The largest percentile among the asked replicas, at least {@link #RESOLUTION}; empty if any
     * of them is unmeasured.
     */
    private static Optional<Duration> slowest(List<StorageNode> asked, ReplicaLatencies latencies, double percentile) {
        Duration slowest = Duration.ZERO;
        for (StorageNode node : asked) {
            Optional<Duration> p = latencies.percentile(node.id(), percentile);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            slowest = p.get().compareTo(slowest) > 0 ? p.get() : slowest;
        }
        // latencies are timed in whole milliseconds: a replica faster than that measures 0, and a quorum
        // late by 0 ms would ask the spares every time
        return Optional.of(slowest.compareTo(RESOLUTION) < 0 ? RESOLUTION : slowest);
    }

    /** The shortest wait a percentile gives: the resolution latencies are timed at. */
    Duration RESOLUTION = Duration.ofMillis(1);
}
