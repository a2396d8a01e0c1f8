package io.pairdb.core.version;

import io.pairdb.core.Identifiers;
import io.pairdb.core.port.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues this coordinator's clock entries. A counter is a hybrid logical clock: at least
 * the wall time (a million counters per millisecond), greater than anything this coordinator
 * issued before and greater than every entry already in the clock it extends (not only its own:
 * see {@link Resolution} for why). The new version's timestamp is the counter's millisecond.
 * Because it is seeded from wall time, a restarted coordinator keeps issuing greater counters
 * without storing anything, as long as its wall clock does not step back by more than the process
 * was down, and the clocks it extended were not further ahead of its wall clock than that either.
 *
 * <p>Counters are exact: a counter that would pass {@link Long#MAX_VALUE} is refused, never
 * wrapped. Clocks are bounded to {@code maxEntries}; the issuer's own entry is always kept, so
 * an issued clock is never dominated by, or equal to, the clock it follows (storage nodes would
 * ignore it while the client is told its write succeeded).
 */
public final class ClockIssuer {

    /**
     * Counters per millisecond of wall time. Issuing faster than this runs the counter ahead
     * of the wall clock, and a restart within that lead would issue counters already used;
     * a million per millisecond leaves room for any burst, and fits a long until 2262.
     */
    public static final long COUNTERS_PER_MILLISECOND = 1_000_000L;

    /** What issuing a clock gave. */
    public sealed interface Issue {
        /** The new version's clock and its timestamp. */
        record Issued(VectorClock clock, long timestampMs) implements Issue {
        }

        /** The coordinator's id lease has run out or was taken over: nothing may be issued under it. */
        record IdNotHeld(String id) implements Issue {
        }
    }

    private final CoordinatorIdLease lease;
    private final Clock clock;
    private final int maxEntries;
    private final AtomicLong lastIssued = new AtomicLong();

    public ClockIssuer(String coordinatorId, Clock clock, int maxEntries) {
        this(CoordinatorIdLease.fixed(coordinatorId), clock, maxEntries);
    }

    public ClockIssuer(CoordinatorIdLease lease, Clock clock, int maxEntries) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max clock entries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    /** What a coordinator id may look like, in configuration, in the pool and in a client's causal context. */
    public static boolean isValidCoordinatorId(String id) {
        return Identifiers.isPlainName(id, 64);
    }

    /** The id this coordinator issues under, or did last (for names and messages). */
    public String coordinatorId() {
        return lease.lastId();
    }

    /** {@link #next(VectorClock, long)} over a base whose timestamp is not known (a client's causal context). */
    public Issue next(VectorClock base) {
        return next(base, 0);
    }

    /**
     * The clock and timestamp of a new version that follows the version with clock {@code base}
     * and timestamp {@code baseTimestampMs}, unless this coordinator does not hold its id now.
     *
     * @throws IllegalStateException if the counter would pass {@link Long#MAX_VALUE} (only a
     *         corrupt stored clock or timestamp can ask for that; causal contexts are checked before)
     */
    public Issue next(VectorClock base, long baseTimestampMs) {
        long now = clock.nowMillis();
        var held = lease.idAt(now);
        if (held.isEmpty()) {
            return new Issue.IdNotHeld(lease.lastId());
        }
        String id = held.get();
        long above = base.maxCounter();
        long issued;
        try {
            long floor = Math.max(Math.max(above, Math.multiplyExact(baseTimestampMs, COUNTERS_PER_MILLISECOND)),
                    Math.multiplyExact(now, COUNTERS_PER_MILLISECOND));
            issued = lastIssued.updateAndGet(last -> Math.addExact(Math.max(last, floor), 1));
        } catch (ArithmeticException e) {
            throw new IllegalStateException("cannot issue a clock entry for " + id + " above " + above
                    + " (base timestamp " + baseTimestampMs + "): it would pass the largest counter", e);
        }
        // the counter's own millisecond: never before the base's timestamp, and never before a version whose
        // counter this clock covers, so resolution's order agrees with the clocks (see Resolution)
        return new Issue.Issued(base.with(id, issued).prune(maxEntries, id), issued / COUNTERS_PER_MILLISECOND);
    }
}
