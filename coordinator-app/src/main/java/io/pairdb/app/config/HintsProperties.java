package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.hints.*}: hint replay and expiry (the seed's numbers are the defaults). Every
 * key also reads from its environment variable (PAIRDB_HINTS_…).
 */
@ConfigurationProperties("pairdb.hints")
public class HintsProperties {
    /** Hints claimed and delivered together. */
    private int batchSize = 100;
    /** Pause between two batches to the same node. */
    private Duration batchPause = Duration.ofSeconds(1);
    /** Failed deliveries after which a hint is dropped (and counted). */
    private int maxAttempts = 3;
    /** Age after which a hint is dropped instead of delivered. */
    private Duration ttl = Duration.ofDays(7);
    /** How long a replaying coordinator holds the batch it claimed; at least twice the delivery timeout. */
    private Duration claimLease = Duration.ofMinutes(1);
    /** Deadline of each hint's write to its node. */
    private Duration deliveryTimeout = Duration.ofSeconds(5);
    /** The safety net: how often every UP node with hints waiting is replayed, whatever the failure detector saw. */
    private Duration replayInterval = Duration.ofSeconds(60);
    /** How often hints older than the TTL are swept away. */
    private Duration expiryInterval = Duration.ofHours(1);

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getBatchPause() {
        return batchPause;
    }

    public void setBatchPause(Duration batchPause) {
        this.batchPause = batchPause;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getClaimLease() {
        return claimLease;
    }

    public void setClaimLease(Duration claimLease) {
        this.claimLease = claimLease;
    }

    public Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    public void setDeliveryTimeout(Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    public Duration getReplayInterval() {
        return replayInterval;
    }

    public void setReplayInterval(Duration replayInterval) {
        this.replayInterval = replayInterval;
    }

    public Duration getExpiryInterval() {
        return expiryInterval;
    }

    public void setExpiryInterval(Duration expiryInterval) {
        this.expiryInterval = expiryInterval;
    }
}
