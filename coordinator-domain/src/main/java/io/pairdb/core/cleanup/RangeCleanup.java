package io.pairdb.core.cleanup;

import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.RangeRelease;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The cleanup of one range a change released, as stored: its outcome so far, how often it was
 * tried, and since when a range delete may be running on its node ({@code deleteBegun}: set just
 * before the first delete is sent, cleared only once the range is DELETED or KEPT, because a delete
 * that failed or timed out may still run there; changes overlapping the range wait meanwhile).
 */
public record RangeCleanup(ChangeId change, RangeRelease release, CleanupOutcome outcome, int attempts,
                           Optional<Instant> lastAttemptAt, Optional<Instant> deleteBegun) {
    public RangeCleanup {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
        Objects.requireNonNull(deleteBegun, "deleteBegun");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    public static RangeCleanup pending(ChangeId change, RangeRelease release) {
        return new RangeCleanup(change, release, CleanupOutcome.PENDING, 0, Optional.empty(), Optional.empty());
    }

    /** After an attempt ending with {@code result} at {@code at}; a final outcome ends any delete under way. */
    public RangeCleanup attempted(CleanupOutcome result, Instant at) {
        return new RangeCleanup(change, release, result, attempts + 1, Optional.of(at),
                result.isFinal() ? Optional.empty() : deleteBegun);
    }

    /** Once a delete of the range may have been sent to its node. */
    public RangeCleanup deleting(Instant at) {
        return new RangeCleanup(change, release, outcome, attempts, lastAttemptAt, Optional.of(deleteBegun.orElse(at)));
    }
}
