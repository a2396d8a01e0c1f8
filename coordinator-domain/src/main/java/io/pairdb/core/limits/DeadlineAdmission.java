package io.pairdb.core.limits;

import java.time.Duration;
import java.util.Arrays;

/**
 * Whether a call can still be answered within its deadline, judged before any work is done for
 * it. By Little's law, the calls already in flight ahead of a new one, divided by the rate at
 * which calls have lately been answered, is about how long the new one will wait for its turn. A
 * call whose remaining deadline is shorter than that would most likely end in
 * {@code DEADLINE_EXCEEDED} after taking its share of the machine; refusing it at once leaves that
 * share to the calls that can still make it, and tells its client to go elsewhere while there is
 * time.
 *
 * <p>The rate is counted over a sliding window of the last {@link Settings#window()}. Until the
 * window holds {@link Settings#minAnswers()} answers (after an idle spell, at start) nothing is
 * known about the rate and every call is admitted; so is every call with no call ahead of it.
 * Times are {@code System.nanoTime()}-style readings passed in by the caller. Thread-safe.
 */
public final class DeadlineAdmission {
    private static final int BUCKETS = 10;

    /**
     * @param window     how far back the rate of answers is counted (at least 10 ms)
     * @param minAnswers answers the window must hold before its rate is trusted (at least 1)
     */
    public record Settings(Duration window, int minAnswers) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), 50);

        public Settings {
            if (window == null || window.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("the answer-rate window must be at least 10 ms, was " + window);
            }
            if (minAnswers < 1) {
                throw new IllegalArgumentException("the answers needed to trust the rate must be at least 1, was "
                        + minAnswers);
            }
        }
    }

    /** Whether a call was judged able to meet its deadline. */
    public sealed interface Verdict {
        /** It may meet it, or nothing says otherwise. */
        record InTime() implements Verdict {
        }

        /**
         * It would most likely miss it.
         *
         * @param callsAhead   the calls in flight ahead of it
         * @param expectedWait how long those take to be answered at the recent rate
         * @param remaining    what was left of its deadline
         */
        record TooLate(long callsAhead, Duration expectedWait, Duration remaining) implements Verdict {
        }
    }

    private static final Verdict IN_TIME = new Verdict.InTime();

    private final Settings settings;
    private final long bucketNanos;
    // answers counted per slice of the window; slice i counts the answers of bucket number stamps[i]
    private final long[] counts = new long[BUCKETS];
    private final long[] stamps = new long[BUCKETS];

    public DeadlineAdmission(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
        this.bucketNanos = settings.window().toNanos() / BUCKETS;
        Arrays.fill(stamps, Long.MIN_VALUE);
    }

    public Settings settings() {
        return settings;
    }

    /** Counts one call answered (or cancelled) at {@code nowNanos}. */
    public synchronized void answered(long nowNanos) {
        long bucket = Math.floorDiv(nowNanos, bucketNanos);
        int slot = (int) Math.floorMod(bucket, BUCKETS);
        if (stamps[slot] != bucket) {
            stamps[slot] = bucket;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    /**
     * Judges a call that has {@code callsAhead} calls in flight before it and {@code remainingNanos}
     * of its deadline left at {@code nowNanos}.
     */
    public Verdict judge(long callsAhead, long remainingNanos, long nowNanos) {
        if (callsAhead <= 0) {
            return IN_TIME;
        }
        long answers = answersInWindow(nowNanos);
        if (answers < settings.minAnswers()) {
            return IN_TIME;
        }
        // the window's whole slices plus the part of the current one elapsed so far
        long spanNanos = (BUCKETS - 1) * bucketNanos + Math.floorMod(nowNanos, bucketNanos) + 1;
        double waitNanos = (double) callsAhead * spanNanos / answers;
        if (waitNanos <= remainingNanos) {
            return IN_TIME;
        }
        return new Verdict.TooLate(callsAhead, Duration.ofNanos((long) Math.min(waitNanos, Long.MAX_VALUE)),
                Duration.ofNanos(Math.max(0, remainingNanos)));
    }

    /** The answers counted within the window that ends at {@code nowNanos}. */
    synchronized long answersInWindow(long nowNanos) {
        long current = Math.floorDiv(nowNanos, bucketNanos);
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (stamps[i] > current - BUCKETS && stamps[i] <= current) {
                sum += counts[i];
            }
        }
        return sum;
    }
}
