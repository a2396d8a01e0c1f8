package io.pairdb.core.ring;

import java.util.ArrayList;
import java.util.List;

/**
 * Cutting a token range into consecutive sub-ranges, in the order a scan of the range meets
 * tokens (for a wrapping range: those above its start first). Positions are measured as the
 * unsigned distance past the range's start, so wrapping needs no special case.
 */
public final class SubRanges {
    private SubRanges() {
    }

    /**
     * Up to {@code parts} split tokens that cut {@code range} into sub-ranges of near-equal width;
     * fewer when the range holds fewer tokens than that. None for {@code parts <= 1}.
     */
    public static List<Token> evenSplits(TokenRange range, int parts) {
        long width = width(range);
        List<Token> splits = new ArrayList<>();
        if (parts <= 1) {
            return splits;
        }
        // a whole ring is 2^64 wide, one more than a long holds: its step is (2^64 - 1) / parts, near enough
        long step = width == 0 ? Long.divideUnsigned(-1L, parts) : Long.divideUnsigned(width, parts);
        if (step == 0) {
            step = 1;
        }
        for (int i = 1; i < parts; i++) {
            long offset = step * i;
            if (width != 0 && Long.compareUnsigned(offset, width) >= 0) {
                break;
            }
            splits.add(new Token(range.start().value() + offset));
        }
        return splits;
    }

    /**
     * The sub-ranges {@code (start, s1], (s1, s2], ..., (sk, end]}.
     *
     * @throws IllegalArgumentException when a split is outside the range, is its end, or does not
     *                                  follow the one before in scan order
     */
    public static List<TokenRange> cut(TokenRange range, List<Token> splitAfter) {
        long width = width(range);
        List<TokenRange> parts = new ArrayList<>(splitAfter.size() + 1);
        Token previous = range.start();
        long previousOffset = 0;
        for (int i = 0; i < splitAfter.size(); i++) {
            Token split = splitAfter.get(i);
            long offset = split.value() - range.start().value();
            boolean inside = offset != 0 && (width == 0 || Long.compareUnsigned(offset, width) < 0);
            if (!inside || Long.compareUnsigned(offset, previousOffset) <= 0) {
                throw new IllegalArgumentException("split " + i + " (" + split + ") is not inside " + range
                        + " after the split before it");
            }
            parts.add(new TokenRange(previous, split));
            previous = split;
            previousOffset = offset;
        }
        parts.add(new TokenRange(previous, range.end()));
        return parts;
    }

    /** Whether the range can be cut at all: it holds more than one token. */
    public static boolean divisible(TokenRange range) {
        long width = width(range);
        return width == 0 || Long.compareUnsigned(width, 1) > 0;
    }

    /** The number of tokens in the range, unsigned; 0 stands for the whole ring (2^64). */
    private static long width(TokenRange range) {
        return range.end().value() - range.start().value();
    }
}
