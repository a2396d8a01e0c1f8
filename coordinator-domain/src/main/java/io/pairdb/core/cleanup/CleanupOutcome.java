package io.pairdb.core.cleanup;

import java.time.Instant;
import java.util.Objects;

/** Where the cleanup of one released range stands. */
public sealed interface CleanupOutcome {
    /** Not attempted yet. */
    record Pending() implements CleanupOutcome {
    }

    /** The former owner's copy is gone: {@code keys} entries deleted. Final. */
    record Deleted(long keys, Instant at) implements CleanupOutcome {
        public Deleted {
            Objects.requireNonNull(at, "at");
            if (keys < 0) {
                throw new IllegalArgumentException("deleted keys must not be negative");
            }
        }
    }

    /** Nothing was deleted this time, for {@code reason}; tried again at the next run. */
    record Skipped(String reason, Instant at) implements CleanupOutcome {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Nothing is to be deleted, for {@code reason} (the node replicates the range again, or has
     * left the ring). Final.
     */
    record Kept(String reason, Instant at) implements CleanupOutcome {
        public Kept {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }

    CleanupOutcome PENDING = new Pending();

    /** Whether the range needs no further run. */
    default boolean isFinal() {
        return this instanceof Deleted || this instanceof Kept;
    }
}
