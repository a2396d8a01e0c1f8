package io.pairdb.adapters.runtime;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many lines of one kind a coordinator writes to its log per second (a failed call, a hint
 * that could not be stored). Under overload such lines come by the thousand a second, from
 * causes the metrics already count; written out, they would flood the log and take CPU from the
 * calls. Beyond the budget a line is left out and counted, and the next line written says how
 * many were left out. Thread-safe.
 */
public final class LogBudget {
    /** The budget when none is configured ({@code pairdb.log.max-lines-per-second}). */
    public static final long DEFAULT_LINES_PER_SECOND = 20;
    private final Bucket bucket;
    private final AtomicLong leftOut = new AtomicLong();

    /** @param linesPerSecond lines written per second at most, in bursts of as many */
    public LogBudget(long linesPerSecond) {
        if (linesPerSecond < 1) {
            throw new IllegalArgumentException("a log budget is at least one line a second, was " + linesPerSecond);
        }
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(linesPerSecond).refillGreedy(linesPerSecond, Duration.ofSeconds(1)))
                .build();
    }

    /**
     * Whether the line about to be written fits the budget: if so, how many lines were left out
     * since the last one written (0 mostly); if not, empty, and the line is counted as left out.
     */
    public OptionalLong admit() {
        if (bucket.tryConsume(1)) {
            return OptionalLong.of(leftOut.getAndSet(0));
        }
        leftOut.incrementAndGet();
        return OptionalLong.empty();
    }

    /** The text a written line ends with when lines were left out before it; empty when none were. */
    public static String leftOutNote(long leftOut) {
        return leftOut == 0 ? "" : " [" + leftOut + " lines like this left out before this one: pairdb.log.max-lines-per-second]";
    }
}
