package io.pairdb.core.limits;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a call can still be answered within its deadline, judged before any work is done for
 * it. By Little's law, the calls already in flight ahead of a new one, divided by the rate at
 * which calls have lately been answered, is about how long the new one will wait for its turn. A
 * call for which that wait is longer than {@link Settings#waitShare()} of its remaining deadline (the
 * rest is for its own work and its answer's way back) would most likely end in
 * {@code DEADLINE_EXCEEDED} after taking its share of the machine; refusing it at once leaves that
 * share to the calls that can still make it, and tells its client to go elsewhere while there is
 * time.
 *
 * <p>Only calls answered in time count towards the rate: a call that ran out its deadline (or was
 * cancelled) left without its answer, and counting it would hide the very overload this is for,
 * since under it calls leave at their deadline and the time in flight that Little's law gives can
 * never exceed it. So the rate falls as calls start missing their deadlines, and more calls are
 * refused until those admitted meet theirs again; when none of the calls that ended in the window
 * was answered in time, every call with a call ahead of it is refused, until the calls in flight
 * have drained.
 *
 * <p>Both are counted over a sliding window of the last {@link Settings#window()}. Until
 * {@link Settings#minCalls()} calls have ended in it (after an idle spell, at start) nothing is
 * known and every call is admitted; so is every call with no call ahead of it. Times are
 * {@code System.nanoTime()}-style readings passed in by the caller. Thread-safe.
 */
public final class DeadlineAdmission {
    private static final int BUCKETS = 10;

    /**
     * @param window    how far back the calls that ended are counted (at least 10 ms)
     * @param minCalls  calls that must have ended in the window before it is trusted (at least 1)
     * @param waitShare the share of a call's remaining deadline that the wait for the calls ahead of it
     *                  may take (above 0, at most 1): the wait is an average, and the rest is for the
     *                  call's own work and for its answer's way back to the client
     */
    public record Settings(Duration window, int minCalls, double waitShare) {

        public Settings {
            if (window == null || window.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("the answer-rate window must be at least 10 ms, was "
                        + (window == null ? "none" : window.toMillis() + " ms"));
            }
            if (minCalls < 1) {
                throw new IllegalArgumentException("the calls needed to trust the rate must be at least 1, was "
                        + minCalls);
            }
            if (!(waitShare > 0 && waitShare <= 1)) {
                throw new IllegalArgumentException("the share of the deadline for the wait must be above 0 and at most 1, was "
                        + waitShare);
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
         * @param expectedWait how long those take to be answered at the recent rate; empty when no
         *                     call that ended in the window was answered in time
         * @param remaining    what was left of its deadline
         * @param mayWait      how much of that the wait could have taken ({@link Settings#waitShare()} of it)
         */
        record TooLate(long callsAhead, Optional<Duration> expectedWait, Duration remaining, Duration mayWait)
                implements Verdict {
        }
    }

    private static final Verdict IN_TIME = new Verdict.InTime();

    private final Settings settings;
    private final long bucketNanos;
    // calls counted per slice of the window; slice i counts those that ended in bucket number stamps[i]
    private final long[] ended = new long[BUCKETS];
    private final long[] inTime = new long[BUCKETS];
    private final long[] stamps = new long[BUCKETS];

    public DeadlineAdmission(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
        this.bucketNanos = settings.window().toNanos() / BUCKETS;
        Arrays.fill(stamps, Long.MIN_VALUE);
    }

    /**
     * Counts one call that ended at {@code nowNanos}.
     *
     * @param answeredInTime whether it was answered before its deadline (false: it ran out its
     *                       deadline, or was cancelled)
     */
    public synchronized void ended(long nowNanos, boolean answeredInTime) {
        long bucket = Math.floorDiv(nowNanos, bucketNanos);
        int slot = (int) Math.floorMod(bucket, BUCKETS);
        if (stamps[slot] != bucket) {
            stamps[slot] = bucket;
            ended[slot] = 0;
            inTime[slot] = 0;
        }
        ended[slot]++;
        if (answeredInTime) {
            inTime[slot]++;
        }
    }

    /**
     * Judges a call that has {@code callsAhead} calls in flight before it and {@code remainingNanos}
     * of its deadline left at {@code nowNanos}.
     */
    public Verdict judge(long callsAhead, long remainingNanos, long nowNanos) {
        if (callsAhead <= 0) {
            return IN_TIME;
        }
        Counted counted = counted(nowNanos);
        if (counted.ended() < settings.minCalls()) {
            return IN_TIME;
        }
        Duration remaining = Duration.ofNanos(Math.max(0, remainingNanos));
        Duration mayWait = Duration.ofNanos((long) (remaining.toNanos() * settings.waitShare()));
        if (counted.inTime() == 0) {
            return new Verdict.TooLate(callsAhead, Optional.empty(), remaining, mayWait);
        }
        double waitNanos = (double) callsAhead * counted.spanNanos() / counted.inTime();
        if (waitNanos <= mayWait.toNanos()) {
            return IN_TIME;
        }
        return new Verdict.TooLate(callsAhead, Optional.of(Duration.ofNanos((long) Math.min(waitNanos, Long.MAX_VALUE))),
                remaining, mayWait);
    }

    /** The calls counted as answered in time within the window that ends at {@code nowNanos}. */
    long answeredInTime(long nowNanos) {
        return counted(nowNanos).inTime();
    }

    /**
     * @param ended     the calls that ended in the window
     * @param inTime    those of them answered in time
     * @param spanNanos the time they were counted over: from the start of the oldest slice of the
     *                  window that holds any (so that a burst after an idle spell is measured over
     *                  its own length, not the whole window's) to now
     */
    private record Counted(long ended, long inTime, long spanNanos) {
    }

    private synchronized Counted counted(long nowNanos) {
        long current = Math.floorDiv(nowNanos, bucketNanos);
        long endedSum = 0;
        long inTimeSum = 0;
        long oldest = current;
        for (int i = 0; i < BUCKETS; i++) {
            if (stamps[i] > current - BUCKETS && stamps[i] <= current && ended[i] > 0) {
                endedSum += ended[i];
                inTimeSum += inTime[i];
                oldest = Math.min(oldest, stamps[i]);
            }
        }
        return new Counted(endedSum, inTimeSum, nowNanos - oldest * bucketNanos + 1);
    }
}
