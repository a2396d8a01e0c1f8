package io.pairdb.core.replication;

import io.pairdb.core.port.StorageRanges;
import java.time.Duration;
import java.util.Objects;

/**
 * The data path's knobs. Defaults follow the seed: 5 s write deadline, 3 s read deadline,
 * 24 h idempotency records, 1 MiB values, quorum by default, async read repair; and at most 256
 * hint stores at once, clocks of at most 10 entries, causal contexts at most a minute ahead.
 */
public record CoordinatorSettings(Duration writeTimeout, Duration readTimeout, Duration idempotencyTtl,
                                  int maxValueBytes, ConsistencyLevel defaultConsistency, boolean repairAsync,
                                  int maxRepairsInFlight, int maxClockEntries, int maxHintStoresInFlight,
                                  Duration maxClockSkew, SpeculationPolicy speculation) {
    public static final int MAX_KEY_BYTES = 1024;
    /**
     * The largest value a configuration may allow: a storage node takes requests of up to {@link
     * StorageRanges#NODE_REQUEST_LIMIT_BYTES}, which must hold the key, the clock and the encoding as well.
     */
    public static final int MAX_VALUE_BYTES_LIMIT = (int) StorageRanges.MAX_BATCH_BYTES;
    /**
     * The fewest clock entries a configuration may ask for: the issuer's own entry must fit, so that
     * an issued clock is never at or below the clock it follows (one entry is enough for that).
     */
    public static final int MIN_CLOCK_ENTRIES = 1;
    public static final int DEFAULT_MAX_HINT_STORES_IN_FLIGHT = 256;
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(1);
    /**
     * When a read before a write asks a spare replica, unless the tenant says otherwise: once its
     * quorum is later than the asked replicas' 99th percentile, or 500 ms, whichever comes first.
     */
    public static final SpeculationPolicy DEFAULT_SPECULATION = new SpeculationPolicy.LesserOf(99, Duration.ofMillis(500));
    /** A causal context may carry this many entries at least, however small the clock bound. */
    private static final int MIN_CAUSAL_CONTEXT_ENTRIES = 64;

    public CoordinatorSettings {
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idempotencyTtl, "idempotencyTtl");
        Objects.requireNonNull(defaultConsistency, "defaultConsistency");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        Objects.requireNonNull(speculation, "speculation");
        positive(writeTimeout, "write timeout");
        positive(readTimeout, "read timeout");
        positive(idempotencyTtl, "idempotency TTL");
        positive(maxClockSkew, "max clock skew");
        if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_BYTES_LIMIT) {
            throw new IllegalArgumentException("max value size " + maxValueBytes + " must be between 1 and "
                    + MAX_VALUE_BYTES_LIMIT + " bytes");
        }
        if (maxRepairsInFlight < 1) {
            throw new IllegalArgumentException("max repairs in flight must be at least 1");
        }
        if (maxClockEntries < MIN_CLOCK_ENTRIES) {
            throw new IllegalArgumentException("max clock entries must be at least " + MIN_CLOCK_ENTRIES
                    + " (the issuing coordinator's own entry), was " + maxClockEntries);
        }
        if (maxHintStoresInFlight < 1) {
            throw new IllegalArgumentException("max hint stores in flight must be at least 1");
        }
    }

    /** The settings before speculation was configurable; it gets its default. */
    public CoordinatorSettings(Duration writeTimeout, Duration readTimeout, Duration idempotencyTtl, int maxValueBytes,
                               ConsistencyLevel defaultConsistency, boolean repairAsync, int maxRepairsInFlight,
                               int maxClockEntries, int maxHintStoresInFlight, Duration maxClockSkew) {
        this(writeTimeout, readTimeout, idempotencyTtl, maxValueBytes, defaultConsistency, repairAsync,
                maxRepairsInFlight, maxClockEntries, maxHintStoresInFlight, maxClockSkew, DEFAULT_SPECULATION);
    }

    /** The settings before hint stores were bounded and causal contexts checked; those two get their defaults. */
    public CoordinatorSettings(Duration writeTimeout, Duration readTimeout, Duration idempotencyTtl, int maxValueBytes,
                               ConsistencyLevel defaultConsistency, boolean repairAsync, int maxRepairsInFlight,
                               int maxClockEntries) {
        this(writeTimeout, readTimeout, idempotencyTtl, maxValueBytes, defaultConsistency, repairAsync,
                maxRepairsInFlight, maxClockEntries, DEFAULT_MAX_HINT_STORES_IN_FLIGHT, DEFAULT_MAX_CLOCK_SKEW);
    }

    public static CoordinatorSettings defaults() {
        return new CoordinatorSettings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofHours(24),
                1024 * 1024, ConsistencyLevel.QUORUM, true, 1000, 10);
    }

    /**
     * The most entries a client's causal context may carry: a clock this coordinator hands out has
     * at most {@link #maxClockEntries}, and a read that resolved concurrent versions returns their
     * merge, which can be a few times that.
     */
    public int maxCausalContextEntries() {
        return Math.max(MIN_CAUSAL_CONTEXT_ENTRIES, 4 * maxClockEntries);
    }

    private static void positive(Duration d, String what) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
