package io.pairdb.core.cleanup;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's order to clean up a change at once, without the grace period and without
 * verifying the new replicas: why, who asked (the operator and the coordinator that took the
 * order) and when. Kept with the change for audit.
 */
public record CleanupOrder(String reason, String requestedBy, Instant at) {
    public CleanupOrder {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(at, "at");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a forced cleanup needs a reason");
        }
        if (requestedBy.isBlank()) {
            throw new IllegalArgumentException("a forced cleanup names who asked for it");
        }
    }
}
