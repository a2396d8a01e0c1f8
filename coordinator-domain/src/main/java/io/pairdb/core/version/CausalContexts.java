package io.pairdb.core.version;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a client's causal context may hold. It comes from outside, and the new clock is built on
 * it, so an unchecked one can push this coordinator's counter to its end (every later write of
 * every tenant would fail) or make clocks as large as a request. A context is a clock the
 * coordinators handed out: ids of coordinator-id syntax, a bounded number of entries, and
 * counters no further ahead of this coordinator's wall clock than the skew it tolerates.
 */
public final class CausalContexts {
    private CausalContexts() {
    }

    /** Why {@code context} cannot be used, or empty when it can. */
    public static Optional<String> problem(VectorClock context, long nowMillis, int maxEntries, Duration maxSkew) {
        if (context.size() > maxEntries) {
            return Optional.of("causal_context has " + context.size() + " entries; at most " + maxEntries
                    + " are accepted");
        }
        long newest;
        try {
            newest = Math.multiplyExact(Math.addExact(nowMillis, maxSkew.toMillis()),
                    ClockIssuer.COUNTERS_PER_MILLISECOND);
        } catch (ArithmeticException e) {
            newest = Long.MAX_VALUE;
        }
        for (Map.Entry<String, Long> entry : context.entries().entrySet()) {
            if (!ClockIssuer.isValidCoordinatorId(entry.getKey())) {
                return Optional.of("causal_context names coordinator '" + entry.getKey() + "'; coordinator ids are "
                        + "1-64 characters of letters, digits, '.', '_' or '-'");
            }
            if (entry.getValue() > newest) {
                return Optional.of("causal_context entry " + entry.getKey() + ":" + entry.getValue()
                        + " lies more than " + maxSkew.toMillis() + " ms ahead of this coordinator's clock; "
                        + "send the clock a read returned");
            }
        }
        return Optional.empty();
    }
}
