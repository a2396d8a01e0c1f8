package io.pairdb.core.version;

import io.pairdb.core.port.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues this coordinator's clock entries. A counter is a hybrid logical clock: at least
 * the wall time (a million counters per millisecond), greater than anything this coordinator
 * issued before and greater than the entry already in the clock it extends. Because it is seeded from wall
 * time, a restarted coordinator keeps issuing greater counters without storing anything
 * (as long as the wall clock does not step back by more than the process was down).
 */
public final class ClockIssuer {
    /**
     * Counters per millisecond of wall time. Issuing faster than this runs the counter ahead
     * of the wall clock, and a restart within that lead would issue counters already used;
     * a million per millisecond leaves room for any burst, and fits a long until 2262.
     */
    private static final long COUNTERS_PER_MILLISECOND = 1_000_000L;

    private final String coordinatorId;
    private final Clock clock;
    private final int maxEntries;
    private final AtomicLong lastIssued = new AtomicLong();

    public ClockIssuer(String coordinatorId, Clock clock, int maxEntries) {
        this.coordinatorId = Objects.requireNonNull(coordinatorId, "coordinatorId");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (coordinatorId.isBlank()) {
            throw new IllegalArgumentException("coordinator id must not be blank");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max clock entries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    public String coordinatorId() {
        return coordinatorId;
    }

    /** The clock of a new version that follows {@code base}. */
    public VectorClock next(VectorClock base) {
        long floor = Math.max(base.get(coordinatorId), clock.nowMillis() * COUNTERS_PER_MILLISECOND);
        long issued = lastIssued.updateAndGet(last -> Math.max(last, floor) + 1);
        return base.with(coordinatorId, issued).prune(maxEntries);
    }
}
