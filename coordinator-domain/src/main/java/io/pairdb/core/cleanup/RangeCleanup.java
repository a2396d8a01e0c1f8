package io.pairdb.core.cleanup;

import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.RangeRelease;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The cleanup of one range a change released, as stored: its outcome so far and how often it was tried. */
public record RangeCleanup(ChangeId change, RangeRelease release, CleanupOutcome outcome, int attempts,
                           Optional<Instant> lastAttemptAt) {
    public RangeCleanup {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    public static RangeCleanup pending(ChangeId change, RangeRelease release) {
        return new RangeCleanup(change, release, CleanupOutcome.PENDING, 0, Optional.empty());
    }

    /** After an attempt ending with {@code result} at {@code at}. */
    public RangeCleanup attempted(CleanupOutcome result, Instant at) {
        return new RangeCleanup(change, release, result, attempts + 1, Optional.of(at));
    }
}
