package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.repair.*}: how anti-entropy repair compares replicas and moves what differs. Every
 * key also reads from its environment variable (PAIRDB_REPAIR_…).
 */
@ConfigurationProperties("pairdb.repair")
public class RepairProperties {
    /** Sub-ranges each digest call cuts a differing range into. */
    private int fanOut = 4;
    /** A differing sub-range with at most this many keys on every replica is compared key by key. */
    private long leafKeys = 8;
    /** How many times a range is cut at most before what still differs is compared key by key. */
    private int maxDepth = 12;
    /** Bound on each storage call of a repair: a digest call, a scan batch, a repair write. */
    private Duration storageTimeout = Duration.ofSeconds(30);
    /** Entries per scan batch and per repair write. */
    private int batchSize = 500;
    /**
     * How long a repair run holds topology changes back without renewing (it renews before each
     * range): longer than one range's repair takes; a coordinator that dies blocks changes this long.
     */
    private Duration lease = Duration.ofMinutes(5);
    /**
     * How many ranges of a repair run (on demand or scheduled) are compared at once; more repair
     * sooner and load the storage nodes more.
     */
    private int rangesInParallel = 1;
    /**
     * How often each coordinator looks for repair runs whose coordinator died (lease run out) and
     * takes them over, going on from the ranges they recorded.
     */
    private Duration resumeInterval = Duration.ofSeconds(30);
    /**
     * Every range of every tenant is due for its scheduled repair this long after its last repair
     * began; shorter than {@code pairdb.storage.tombstone-gc-grace}. 0 turns the schedule off.
     */
    private Duration period = Duration.ofDays(7);
    /** How often each coordinator looks for tenants with a range due for its scheduled repair. */
    private Duration scheduleInterval = Duration.ofMinutes(5);
    /** Cap on what one coordinator's scheduled repairs read and write, in MiB per second; 0 for none. */
    private long scheduleThroughputMibPerSecond = 16;

    public int getFanOut() {
        return fanOut;
    }

    public void setFanOut(int fanOut) {
        this.fanOut = fanOut;
    }

    public long getLeafKeys() {
        return leafKeys;
    }

    public void setLeafKeys(long leafKeys) {
        this.leafKeys = leafKeys;
    }

    public int getMaxDepth() {
        return maxDepth;
    }

    public void setMaxDepth(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    public Duration getStorageTimeout() {
        return storageTimeout;
    }

    public void setStorageTimeout(Duration storageTimeout) {
        this.storageTimeout = storageTimeout;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public int getRangesInParallel() {
        return rangesInParallel;
    }

    public void setRangesInParallel(int rangesInParallel) {
        this.rangesInParallel = rangesInParallel;
    }

    public Duration getResumeInterval() {
        return resumeInterval;
    }

    public void setResumeInterval(Duration resumeInterval) {
        this.resumeInterval = resumeInterval;
    }

    public Duration getPeriod() {
        return period;
    }

    public void setPeriod(Duration period) {
        this.period = period;
    }

    public Duration getScheduleInterval() {
        return scheduleInterval;
    }

    public void setScheduleInterval(Duration scheduleInterval) {
        this.scheduleInterval = scheduleInterval;
    }

    public long getScheduleThroughputMibPerSecond() {
        return scheduleThroughputMibPerSecond;
    }

    public void setScheduleThroughputMibPerSecond(long scheduleThroughputMibPerSecond) {
        this.scheduleThroughputMibPerSecond = scheduleThroughputMibPerSecond;
    }
}
