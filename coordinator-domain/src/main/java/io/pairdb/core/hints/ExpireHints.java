package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.HintStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * The periodic sweep that drops hints older than the TTL, whether or not their node ever
 * comes back, and counts them. Replay also drops an expired hint it happens to claim; this
 * sweep covers nodes that are never replayed (gone for good, or DOWN for a week). Thread-safe.
 */
public final class ExpireHints {
    private final HintStore hints;
    private final HintTally tally;
    private final Clock clock;
    private final Duration ttl;

    public ExpireHints(HintStore hints, HintTally tally, Clock clock, Duration ttl) {
        this.hints = Objects.requireNonNull(hints, "hints");
        this.tally = Objects.requireNonNull(tally, "tally");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** Hints removed per call to the store: a short statement each, however many expired. */
    static final int BATCH = 10_000;

    /**
     * Drops every hint created more than the TTL ago, a batch at a time, each batch counted as it
     * goes; returns how many per node.
     *
     * @throws io.pairdb.core.PairDbException if the hint store cannot be reached (the batches
     *         dropped before are counted already; the next sweep goes on from there)
     */
    public Map<NodeId, Long> expire() {
        Instant cutoff = clock.now().minus(ttl);
        Map<NodeId, Long> dropped = new TreeMap<>();
        long inBatch;
        do {
            Map<NodeId, Long> batch = hints.expire(cutoff, BATCH);
            batch.forEach((target, count) -> {
                tally.dropped(target, DropReason.EXPIRED, count);
                dropped.merge(target, count, Long::sum);
            });
            inBatch = batch.values().stream().mapToLong(Long::longValue).sum();
        } while (inBatch >= BATCH);
        return dropped;
    }
}
