package io.pairdb.core.cleanup;

import java.time.Duration;
import java.util.Objects;

/**
 * How cleanups after topology changes run.
 *
 * @param coordinatorId  this coordinator instance: who holds the claims on ranges
 * @param gracePeriod    a change's released ranges are cleaned up no earlier than this after it
 *                       completed (unless forced)
 * @param claim          how long a range stays with the coordinator working on it
 * @param rangesPerClaim most ranges claimed at once
 * @param storageTimeout bound on each storage call (a digest, a scan batch, a range delete)
 * @param scanBatch      entries per batch when comparing the former owner's copy with a replica's
 * @param handoverWindow an entry of the former owner that the new replicas lack (or hold an older
 *                       or concurrent version of) is written to them when it is younger than this;
 *                       an older one keeps the range instead. It must be well inside the storage
 *                       nodes' tombstone gc grace: a delete superseding the entry is then still held
 *                       by the replicas, so handing the entry over cannot bring the key back
 */
public record CleanupSettings(String coordinatorId, Duration gracePeriod, Duration claim, int rangesPerClaim,
                              Duration storageTimeout, int scanBatch, Duration handoverWindow) {
    /** The handover window for nodes with this tombstone gc grace: half of it, a margin for clock skew. */
    public static Duration handoverWindowFor(Duration tombstoneGcGrace) {
        return tombstoneGcGrace.dividedBy(2);
    }

    public CleanupSettings {
        Objects.requireNonNull(handoverWindow, "handoverWindow");
        if (handoverWindow.isNegative()) {
            throw new IllegalArgumentException("handover window must not be negative, was " + handoverWindow);
        }
        Objects.requireNonNull(coordinatorId, "coordinatorId");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(storageTimeout, "storageTimeout");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must not be negative, was " + gracePeriod);
        }
        if (!claim.isPositive() || !storageTimeout.isPositive()) {
            throw new IllegalArgumentException("claim and storage timeout must be positive");
        }
        if (rangesPerClaim < 1 || scanBatch < 1) {
            throw new IllegalArgumentException("ranges per claim and scan batch must be at least 1");
        }
    }

    public static CleanupSettings defaults(String coordinatorId) {
        return new CleanupSettings(coordinatorId, Duration.ofHours(24), Duration.ofMinutes(2), 32,
                Duration.ofSeconds(30), 500, handoverWindowFor(Duration.ofDays(10)));
    }
}
