package io.pairdb.core.version;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Deterministic conflict resolution (DESIGN.md §5).
 *
 * <p>A version dominated by another one is discarded. Among the versions left (mutually
 * concurrent), the winner has the greatest timestamp; ties go to the clock with the greater
 * greatest counter, then to the greater value bytes (unsigned, lexicographic; a tombstone is lower
 * than any value). The result carries the winner's data and the merge of every clock, so it
 * dominates every loser and every replica that receives it through repair converges. The result
 * depends only on the set of versions, never on the order they arrived in.
 *
 * <p>The counter tiebreak is what makes a node's incremental resolution agree with this whole-set
 * one. A coordinator's counter covers every counter it issued before, also for writes a new one did
 * not see, so a clock can dominate a version it never followed. {@link ClockIssuer} issues a
 * counter above every counter of the base and a timestamp of that counter's millisecond, so a
 * version that dominates another, truly or so, is also greater in {@link #WINNER_ORDER}: whether a
 * replica meets the two alone, or one of them merged into a third, the same data wins.
 */
public final class Resolution {
    /** Orders concurrent versions: the greatest wins. */
    public static final Comparator<Version> WINNER_ORDER = Comparator
            .comparingLong(Version::timestampMs)
            .thenComparingLong((Version v) -> v.clock().maxCounter())
            .thenComparing(Resolution::compareData);

    private Resolution() {
    }

    public static Optional<Version> resolve(Collection<Version> versions) {
        List<Version> maximal = maximal(versions);
        if (maximal.isEmpty()) {
            return Optional.empty();
        }
        if (maximal.size() == 1) {
            return Optional.of(maximal.getFirst());
        }
        Version winner = maximal.stream().max(WINNER_ORDER).orElseThrow();
        VectorClock merged = VectorClock.EMPTY;
        for (Version v : maximal) {
            merged = merged.merge(v.clock());
        }
        return Optional.of(winner.withClock(merged));
    }

    public static Version resolve(Version a, Version b) {
        return resolve(List.of(a, b)).orElseThrow();
    }

    /** True when there are at least two mutually concurrent versions among these. */
    public static boolean hasConflict(Collection<Version> versions) {
        List<Version> maximal = maximal(versions);
        return maximal.size() > 1;
    }

    /** The versions no other version dominates, without duplicates of the same clock. */
    static List<Version> maximal(Collection<Version> versions) {
        List<Version> result = new ArrayList<>();
        outer:
        for (Version candidate : versions) {
            for (Version other : versions) {
                if (candidate.clock().compare(other.clock()) == Causality.BEFORE) {
                    continue outer;
                }
            }
            boolean seen = false;
            for (int i = 0; i < result.size(); i++) {
                Version kept = result.get(i);
                if (kept.clock().equals(candidate.clock())) {
                    // equal clocks with different data only arise from bugs elsewhere; keep one deterministically
                    if (WINNER_ORDER.compare(candidate, kept) > 0) {
                        result.set(i, candidate);
                    }
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                result.add(candidate);
            }
        }
        return result;
    }

    private static int compareData(Version a, Version b) {
        if (a.tombstone() || b.tombstone()) {
            return Boolean.compare(!a.tombstone(), !b.tombstone());
        }
        return Arrays.compareUnsigned(a.value(), b.value());
    }
}
