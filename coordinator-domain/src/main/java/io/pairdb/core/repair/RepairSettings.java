package io.pairdb.core.repair;

import java.time.Duration;
import java.util.Objects;

/**
 * How anti-entropy repair compares and moves data.
 *
 * @param fanOut         sub-ranges each digest call cuts a differing range into (2..4096)
 * @param leafKeys       a differing sub-range holding at most this many keys on every replica is
 *                       compared key by key instead of cut again
 * @param maxDepth       how many times a range is cut at most before its differing parts are
 *                       compared key by key whatever their size
 * @param storageTimeout the bound on each storage call
 * @param batchSize      entries per scan batch and per repair write
 */
public record RepairSettings(int fanOut, long leafKeys, int maxDepth, Duration storageTimeout, int batchSize) {
    public static final RepairSettings DEFAULTS = new RepairSettings(4, 8, 12, Duration.ofSeconds(30), 500);

    public RepairSettings {
        Objects.requireNonNull(storageTimeout, "storageTimeout");
        if (fanOut < 2 || fanOut > 4096) {
            throw new IllegalArgumentException("fan-out must be within 2..4096, not " + fanOut);
        }
        if (leafKeys < 1) {
            throw new IllegalArgumentException("leaf size must be at least 1 key, not " + leafKeys);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maximum depth must be at least 1, not " + maxDepth);
        }
        if (storageTimeout.isNegative() || storageTimeout.isZero()) {
            throw new IllegalArgumentException("storage timeout must be positive, not " + storageTimeout);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
    }
}
