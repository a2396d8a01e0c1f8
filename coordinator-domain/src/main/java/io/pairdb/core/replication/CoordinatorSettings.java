package io.pairdb.core.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * The data path's knobs. Defaults follow the seed: 5 s write deadline, 3 s read deadline,
 * 24 h idempotency records, 1 MiB values, quorum by default, async read repair.
 */
public record CoordinatorSettings(Duration writeTimeout, Duration readTimeout, Duration idempotencyTtl,
                                  int maxValueBytes, ConsistencyLevel defaultConsistency, boolean repairAsync,
                                  int maxRepairsInFlight, int maxClockEntries) {
    public static final int MAX_KEY_BYTES = 1024;

    public CoordinatorSettings {
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idempotencyTtl, "idempotencyTtl");
        Objects.requireNonNull(defaultConsistency, "defaultConsistency");
        positive(writeTimeout, "write timeout");
        positive(readTimeout, "read timeout");
        positive(idempotencyTtl, "idempotency TTL");
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("max value size must be at least 1 byte");
        }
        if (maxRepairsInFlight < 1) {
            throw new IllegalArgumentException("max repairs in flight must be at least 1");
        }
        if (maxClockEntries < 1) {
            throw new IllegalArgumentException("max clock entries must be at least 1");
        }
    }

    public static CoordinatorSettings defaults() {
        return new CoordinatorSettings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofHours(24),
                1024 * 1024, ConsistencyLevel.QUORUM, true, 1000, 10);
    }

    private static void positive(Duration d, String what) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
