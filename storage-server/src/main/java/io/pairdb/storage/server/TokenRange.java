package io.pairdb.storage.server;

/**
 * The token range {@code (startExclusive, endInclusive]} in unsigned order. When
 * {@code startExclusive >= endInclusive} it wraps past the top of the ring; equal bounds mean
 * the whole ring, matching how a single vnode owns everything.
 */
public record TokenRange(long startExclusive, long endInclusive) {

    public static TokenRange fullRing() {
        return new TokenRange(0, 0);
    }

    public boolean wraps() {
        return Long.compareUnsigned(startExclusive, endInclusive) >= 0;
    }

    public boolean contains(long token) {
        boolean afterStart = Long.compareUnsigned(token, startExclusive) > 0;
        boolean upToEnd = Long.compareUnsigned(token, endInclusive) <= 0;
        return wraps() ? afterStart || upToEnd : afterStart && upToEnd;
    }

    @Override
    public String toString() {
        return "(" + Long.toUnsignedString(startExclusive) + ", " + Long.toUnsignedString(endInclusive) + "]";
    }
}
