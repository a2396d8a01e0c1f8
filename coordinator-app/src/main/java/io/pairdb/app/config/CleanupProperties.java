package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.cleanup.*}: deleting what former owners still hold of the ranges a completed
 * topology change moved away from them. Every key also reads from its environment variable
 * (PAIRDB_CLEANUP_…).
 */
@ConfigurationProperties("pairdb.cleanup")
public class CleanupProperties {
    /** Whether this coordinator runs cleanups (any one coordinator running them is enough). */
    private boolean enabled = true;
    /** A change's moved ranges are deleted from their former owners no earlier than this after it completed. */
    private Duration gracePeriod = Duration.ofHours(24);
    /** How often this coordinator looks for cleanups that are due. */
    private Duration interval = Duration.ofMinutes(1);
    /** How long a range stays with the coordinator cleaning it up (PostgreSQL's clock). */
    private Duration claim = Duration.ofMinutes(2);
    /** Most ranges claimed at once. */
    private int rangesPerClaim = 32;
    /** Bound on each storage call of a cleanup: a digest, a scan batch, a range delete. */
    private Duration storageTimeout = Duration.ofSeconds(30);
    /** Entries per batch when comparing a former owner's copy with a replica's. */
    private int scanBatch = 500;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getGracePeriod() {
        return gracePeriod;
    }

    public void setGracePeriod(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public Duration getClaim() {
        return claim;
    }

    public void setClaim(Duration claim) {
        this.claim = claim;
    }

    public int getRangesPerClaim() {
        return rangesPerClaim;
    }

    public void setRangesPerClaim(int rangesPerClaim) {
        this.rangesPerClaim = rangesPerClaim;
    }

    public Duration getStorageTimeout() {
        return storageTimeout;
    }

    public void setStorageTimeout(Duration storageTimeout) {
        this.storageTimeout = storageTimeout;
    }

    public int getScanBatch() {
        return scanBatch;
    }

    public void setScanBatch(int scanBatch) {
        this.scanBatch = scanBatch;
    }
}
