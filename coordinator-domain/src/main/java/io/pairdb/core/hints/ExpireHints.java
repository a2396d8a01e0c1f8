package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.HintStore;
import java.time.Duration;
import java.util.Map;
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

    /**
     * Drops every hint created more than the TTL ago; returns how many per node.
     *
     * @throws io.pairdb.core.PairDbException if the hint store cannot be reached
     */
    public Map<NodeId, Long> expire() {
        Map<NodeId, Long> dropped = hints.expire(clock.now().minus(ttl));
        dropped.forEach((target, count) -> tally.dropped(target, DropReason.EXPIRED, count));
        return dropped;
    }
}
