package io.pairdb.core.repair;

import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.LongStream;

/**
 * As of when each part of one tenant's ring was last repaired, from the ranges repairs recorded
 * ({@link RangeRepairedAsOf}), whatever ring those ranges belonged to: a token is repaired as of the
 * latest recorded range that holds it, and a range of today's ring as of its least recently repaired
 * token. So a range split or merged by a topology change since keeps the age of what it is made of,
 * and a token no repair ever covered counts from the tenant's creation, as does anything recorded
 * before it (a tenant of the same name deleted before).
 *
 * <p>Pure; built once per reading of the store.
 */
public final class RepairHistory {
    /** Every boundary of a recorded or asked range, sign bit flipped so that signed order is unsigned order. */
    private final long[] bounds;
    /** Segment {@code i} holds the tokens in {@code (bounds[i - 1], bounds[i]]}, segment 0 those past the last. */
    private final Instant[] segments;
    private final Instant createdAt;

    /**
     * @param recorded  the tenant's recorded ranges
     * @param asked     the ranges {@link #repairedAsOf} will be asked about (today's ring)
     * @param createdAt when the tenant was created: the floor of every answer
     */
    public RepairHistory(Collection<RangeRepairedAsOf> recorded, Collection<TokenRange> asked, Instant createdAt) {
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.bounds = LongStream.concat(
                        recorded.stream().flatMapToLong(r -> LongStream.of(r.range().start().value(), r.range().end().value())),
                        asked.stream().flatMapToLong(r -> LongStream.of(r.start().value(), r.end().value())))
                .map(RepairHistory::ordered).sorted().distinct().toArray();
        this.segments = new Instant[bounds.length];
        Arrays.fill(segments, createdAt);
        for (RangeRepairedAsOf r : recorded) {
            Instant at = r.asOf();
            forEachSegment(r.range(), i -> {
                if (at.isAfter(segments[i])) {
                    segments[i] = at;
                }
            });
        }
    }

    /** The tenant's recorded ranges and nothing asked: for {@link #oldest} alone. */
    public static RepairHistory of(Collection<RangeRepairedAsOf> recorded, Instant createdAt) {
        return new RepairHistory(recorded, List.of(), createdAt);
    }

    /**
     * As of when every token of {@code range} was repaired: its least recently repaired token's time,
     * never before the tenant's creation. {@code range} must be one of those asked about.
     */
    public Instant repairedAsOf(TokenRange range) {
        Instant[] oldest = {null};
        forEachSegment(range, i -> {
            if (oldest[0] == null || segments[i].isBefore(oldest[0])) {
                oldest[0] = segments[i];
            }
        });
        return oldest[0] == null ? createdAt : oldest[0];
    }

    /**
     * The recorded ranges that decide no token's time any more, so forgetting them changes no answer
     * of any {@code RepairHistory}: each token is decided by the latest range holding it (one of them
     * when several are as late), and a range no later than the tenant's creation decides nothing.
     * Typically the ranges of an earlier ring, repaired again since in today's. Pure.
     *
     * @param recorded  one tenant's recorded ranges
     * @param createdAt when the tenant was created
     */
    public static List<RangeRepairedAsOf> superseded(Collection<RangeRepairedAsOf> recorded, Instant createdAt) {
        RepairHistory history = new RepairHistory(recorded, List.of(), createdAt);
        // latest first, so each segment goes to the latest range holding it; ties in a fixed order
        List<RangeRepairedAsOf> latestFirst = recorded.stream().sorted(Comparator.comparing(RangeRepairedAsOf::asOf)
                .reversed().thenComparing(r -> ordered(r.range().start().value()))
                .thenComparing(r -> ordered(r.range().end().value()))).toList();
        boolean[] decided = new boolean[history.bounds.length];
        List<RangeRepairedAsOf> superseded = new ArrayList<>();
        for (RangeRepairedAsOf r : latestFirst) {
            boolean[] decides = {false};
            if (r.asOf().isAfter(createdAt)) {
                history.forEachSegment(r.range(), i -> {
                    if (!decided[i]) {
                        decided[i] = true;
                        decides[0] = true;
                    }
                });
            }
            if (!decides[0]) {
                superseded.add(r);
            }
        }
        return superseded;
    }

    /** As of when every token of the ring was repaired: the least recently repaired token's time. */
    public Instant oldest() {
        return Arrays.stream(segments).min(Instant::compareTo).orElse(createdAt);
    }

    private interface SegmentAction {
        void accept(int segment);
    }

    /** Calls {@code action} with each segment {@code range} is made of (its bounds are among {@link #bounds}). */
    private void forEachSegment(TokenRange range, SegmentAction action) {
        int n = bounds.length;
        if (n == 0) {
            return;
        }
        int last = index(range.end());
        if (range.start().equals(range.end())) {
            for (int i = 0; i < n; i++) {
                action.accept(i);
            }
            return;
        }
        for (int i = (index(range.start()) + 1) % n; ; i = (i + 1) % n) {
            action.accept(i);
            if (i == last) {
                return;
            }
        }
    }

    private int index(Token bound) {
        int i = Arrays.binarySearch(bounds, ordered(bound.value()));
        if (i < 0) {
            throw new IllegalArgumentException("range bound " + bound + " was not among those asked about");
        }
        return i;
    }

    private static long ordered(long unsigned) {
        return unsigned ^ Long.MIN_VALUE;
    }
}
