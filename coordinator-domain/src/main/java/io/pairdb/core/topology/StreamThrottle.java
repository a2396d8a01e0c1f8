package io.pairdb.core.topology;

import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The cap on the bytes per second one coordinator streams, shared by every change it drives (like
 * Cassandra's outbound stream throughput): each copied batch is paid for by time, and the next batch
 * of any stream waits until the bytes copied so far are paid. Over any span {@code T} at most
 * {@code rate × T} plus one batch per stream copying at once is copied. Changeable at any time, taking effect from the next
 * batch; {@link #UNLIMITED} (0) turns it off. Thread-safe.
 */
public final class StreamThrottle {
    /** No cap. */
    public static final long UNLIMITED = 0;

    private final Clock clock;
    private long bytesPerSecond;
    /** When the bytes charged so far are paid for; null when nothing is owed. */
    private Instant paidAt;

    /**
     * @param bytesPerSecond the cap, or {@link #UNLIMITED}
     * @throws IllegalArgumentException if it is negative
     */
    public StreamThrottle(Clock clock, long bytesPerSecond) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.bytesPerSecond = checked(bytesPerSecond);
    }

    /** The cap in bytes per second, {@link #UNLIMITED} when there is none. */
    public synchronized long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Sets the cap; what was copied under the previous one is forgiven, so a raised cap (or none)
     * lets the next batch go at once.
     *
     * @throws IllegalArgumentException if it is negative
     */
    public synchronized void setBytesPerSecond(long bytesPerSecond) {
        this.bytesPerSecond = checked(bytesPerSecond);
        this.paidAt = null;
    }

    /** How long the next batch must wait, in whole milliseconds; zero when it may be copied now. */
    public synchronized Duration delay() {
        if (bytesPerSecond == UNLIMITED || paidAt == null) {
            return Duration.ZERO;
        }
        long owedNanos = Duration.between(clock.now(), paidAt).toNanos();
        // whole milliseconds, rounded up: the clock counts milliseconds, and a wait shorter than one
        // would wake up at the same instant, still owing, again and again
        return owedNanos <= 0 ? Duration.ZERO : Duration.ofMillis(Math.ceilDiv(owedNanos, 1_000_000L));
    }

    /** Counts a batch of {@code bytes} just copied. */
    public synchronized void charge(long bytes) {
        if (bytesPerSecond == UNLIMITED || bytes <= 0) {
            return;
        }
        Instant now = clock.now();
        Instant from = paidAt == null || paidAt.isBefore(now) ? now : paidAt;
        // rounded up, so that the cap is never exceeded by rounding
        long nanos = bytes > Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : Math.ceilDiv(bytes * 1_000_000_000L, bytesPerSecond);
        paidAt = from.plusNanos(nanos);
    }

    private static long checked(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the stream throughput must be 0 (unlimited) or more bytes per second, was "
                    + bytesPerSecond);
        }
        return bytesPerSecond;
    }
}
