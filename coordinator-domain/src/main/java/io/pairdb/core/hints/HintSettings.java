package io.pairdb.core.hints;

import java.time.Duration;
import java.util.Objects;

/**
 * How hints are replayed and expired (the seed's numbers are the defaults).
 *
 * @param replayerId who claims hints while replaying them: this coordinator's id
 * @param batchSize hints claimed and delivered together
 * @param batchPause pause between two batches to the same node, so a node that just came back is not flooded
 * @param maxAttempts failed deliveries after which a hint is dropped
 * @param ttl age after which a hint is dropped instead of delivered
 * @param claimLease how long a claim keeps other replayers off a batch; must outlast a batch's delivery
 * @param deliveryTimeout deadline of each hint's write to its node
 */
public record HintSettings(String replayerId, int batchSize, Duration batchPause, int maxAttempts, Duration ttl,
                           Duration claimLease, Duration deliveryTimeout) {
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BATCH_PAUSE = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(1);
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    public HintSettings {
        Objects.requireNonNull(replayerId, "replayerId");
        Objects.requireNonNull(batchPause, "batchPause");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(claimLease, "claimLease");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (replayerId.isBlank()) {
            throw new IllegalArgumentException("replayer id must not be blank");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        if (batchPause.isNegative()) {
            throw new IllegalArgumentException("batch pause must not be negative, was " + batchPause);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
        }
        if (!ttl.isPositive()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        if (!deliveryTimeout.isPositive()) {
            throw new IllegalArgumentException("delivery timeout must be positive, was " + deliveryTimeout);
        }
        if (claimLease.compareTo(deliveryTimeout.multipliedBy(2)) < 0) {
            // a lease that ends while the batch is still being delivered lets a second replayer send it again
            throw new IllegalArgumentException("claim lease must be at least twice the delivery timeout (" + deliveryTimeout
                    + "), was " + claimLease);
        }
    }

    public static HintSettings defaults(String replayerId) {
        return new HintSettings(replayerId, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_PAUSE, DEFAULT_MAX_ATTEMPTS, DEFAULT_TTL,
                DEFAULT_CLAIM_LEASE, DEFAULT_DELIVERY_TIMEOUT);
    }

    public HintSettings withBatches(int size, Duration pause) {
        return new HintSettings(replayerId, size, pause, maxAttempts, ttl, claimLease, deliveryTimeout);
    }
}
