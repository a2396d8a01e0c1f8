package io.pairdb.core.ring;

import java.math.BigInteger;
import java.util.Objects;

/**
 * The tokens in {@code (start, end]}, wrapping past the maximum when {@code start >= end};
 * {@code start == end} is the whole ring.
 */
public record TokenRange(Token start, Token end) {
    private static final BigInteger RING_SIZE = BigInteger.ONE.shiftLeft(64);

    public TokenRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    public boolean wraps() {
        return start.compareTo(end) >= 0;
    }

    public boolean contains(Token t) {
        if (wraps()) {
            return t.compareTo(start) > 0 || t.compareTo(end) <= 0;
        }
        return t.compareTo(start) > 0 && t.compareTo(end) <= 0;
    }

    /** The share of the ring this range covers, in [0, 1]. */
    public double fractionOfRing() {
        BigInteger s = new BigInteger(Long.toUnsignedString(start.value()));
        BigInteger e = new BigInteger(Long.toUnsignedString(end.value()));
        BigInteger width = wraps() ? RING_SIZE.subtract(s).add(e) : e.subtract(s);
        return width.doubleValue() / RING_SIZE.doubleValue();
    }

    @Override
    public String toString() {
        return "(" + start + ", " + end + "]";
    }
}
