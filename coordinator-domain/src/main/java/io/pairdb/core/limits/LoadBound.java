package io.pairdb.core.limits;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A coordinator's bound on the work it has accepted and not yet answered: the number of requests
 * in flight, and the bytes of their messages. Admission never waits: work beyond the bound is
 * refused at once, so that the caller can shed it before doing anything for it. Every admission
 * must be released exactly once. Thread-safe and lock-free.
 *
 * <p>A single message larger than the byte bound is admitted when no bytes are in flight, so that
 * a request of any size the transport accepts can still be served on an idle coordinator.
 */
public final class LoadBound {

    /** Which bound refused the work. */
    public enum Limit {
        REQUESTS,
        BYTES
    }

    /**
     * @param maxRequests requests in flight at most (at least 1)
     * @param maxBytes    bytes of request messages in flight at most (at least 1)
     */
    public record Settings(int maxRequests, long maxBytes) {
        public Settings {
            if (maxRequests < 1) {
                throw new IllegalArgumentException("the requests in flight bound must be at least 1, was " + maxRequests);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("the bytes in flight bound must be at least 1, was " + maxBytes);
            }
        }
    }

    /** Whether the work was taken on. */
    public sealed interface Admission {
        /** Taken on: release it when the work is answered. */
        record Admitted() implements Admission {
        }

        /**
         * Refused: taking it on would pass {@code limit}.
         *
         * @param inFlight what was in flight when it was refused
         * @param max      the bound
         */
        record Refused(Limit limit, long inFlight, long max) implements Admission {
        }
    }

    private static final Admission ADMITTED = new Admission.Admitted();

    private final Settings settings;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    public LoadBound(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Takes on one request, unless {@link Settings#maxRequests()} are in flight already. */
    public Admission admitRequest() {
        while (true) {
            int now = requests.get();
            if (now >= settings.maxRequests()) {
                return new Admission.Refused(Limit.REQUESTS, now, settings.maxRequests());
            }
            if (requests.compareAndSet(now, now + 1)) {
                return ADMITTED;
            }
        }
    }

    /** Gives back a request {@link #admitRequest() admitted} before. */
    public void releaseRequest() {
        if (requests.decrementAndGet() < 0) {
            requests.incrementAndGet();
            throw new IllegalStateException("a request was released that was never admitted");
        }
    }

    /**
     * Takes on a message of {@code size} bytes, unless that would pass {@link Settings#maxBytes()}
     * (a message of any size is taken on when no bytes are in flight).
     */
    public Admission admitBytes(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a message size cannot be negative, was " + size);
        }
        while (true) {
            long now = bytes.get();
            if (now > 0 && now + size > settings.maxBytes()) {
                return new Admission.Refused(Limit.BYTES, now, settings.maxBytes());
            }
            if (bytes.compareAndSet(now, now + size)) {
                return ADMITTED;
            }
        }
    }

    /** Gives back {@code size} bytes {@link #admitBytes(long) admitted} before. */
    public void releaseBytes(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a message size cannot be negative, was " + size);
        }
        if (bytes.addAndGet(-size) < 0) {
            bytes.addAndGet(size);
            throw new IllegalStateException("more bytes were released than were admitted");
        }
    }

    /** Requests admitted and not yet released. */
    public int requestsInFlight() {
        return requests.get();
    }

    /** Bytes admitted and not yet released. */
    public long bytesInFlight() {
        return bytes.get();
    }
}
