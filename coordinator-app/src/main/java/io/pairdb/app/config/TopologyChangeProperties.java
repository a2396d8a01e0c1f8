package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.topology-changes.*}: adding and removing storage nodes while serving — the
 * coordinator registry's heartbeats, the leases on changes, streaming batches, retries and
 * timeouts. Every key also reads from its environment variable (PAIRDB_TOPOLOGY_CHANGES_…).
 */
@ConfigurationProperties("pairdb.topology-changes")
public class TopologyChangeProperties {
    /** How often this coordinator reports the ring epoch it serves (and that it is alive). */
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    /** A coordinator whose last report is older is no longer waited for. */
    private Duration livenessTimeout = Duration.ofSeconds(15);
    /**
     * A coordinator that could not confirm the ring epoch (read it from PostgreSQL and report it)
     * for this long stops serving data requests until it can; shorter than the liveness timeout.
     */
    private Duration staleAfter = Duration.ofSeconds(10);
    /** How long a change stays with the coordinator driving it without a renewal (renewed every third of it). */
    private Duration lease = Duration.ofSeconds(30);
    /** How often this coordinator looks for changes whose driver's lease ran out, to resume them. */
    private Duration takeoverInterval = Duration.ofSeconds(10);
    /** How long a change waits for every live coordinator to serve its epoch before it fails (rolled back). */
    private Duration epochWaitTimeout = Duration.ofMinutes(2);
    /** Then how long requests under way on the previous epoch get to finish before streaming starts. */
    private Duration settleDelay = Duration.ofSeconds(5);
    /** A range stream failing for this long fails the change, which is rolled back. */
    private Duration streamFailureTimeout = Duration.ofMinutes(30);
    /** First pause after a failed stream attempt; it doubles per failure in a row. */
    private Duration retryBackoff = Duration.ofSeconds(1);
    /** The longest pause between two attempts of a stream. */
    private Duration retryBackoffMax = Duration.ofSeconds(30);
    /** Most entries per scanned batch and per batch write. */
    private int batchEntries = 500;
    /** Most bytes per batch write (storage nodes take messages up to 4 MiB). */
    private long batchBytes = 1024L * 1024;
    /**
     * Most MiB per second this coordinator streams, over every change it drives; 0 is no cap.
     * Changeable while running through the admin API ({@code pairdb-admin change throttle}).
     */
    private long streamThroughputMibPerSecond = 0;
    /** How many range streams of a change copy at once, spread over the nodes they read from. */
    private int streamConcurrency = 4;
    /** Bound on each storage call of a stream: one batch read or written. */
    private Duration storageTimeout = Duration.ofSeconds(10);
    /** Progress is persisted at least this often while streaming (and at an orderly stop). */
    private Duration checkpointInterval = Duration.ofSeconds(1);
    /** Bound on the health probe of a node about to be removed. */
    private Duration healthTimeout = Duration.ofSeconds(2);
    /** Hear epoch changes at once through PostgreSQL LISTEN/NOTIFY; polling (pairdb.topology.refresh-interval) is the fallback either way. */
    private boolean listen = true;

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getLivenessTimeout() {
        return livenessTimeout;
    }

    public void setLivenessTimeout(Duration livenessTimeout) {
        this.livenessTimeout = livenessTimeout;
    }

    public Duration getStaleAfter() {
        return staleAfter;
    }

    public void setStaleAfter(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Duration getTakeoverInterval() {
        return takeoverInterval;
    }

    public void setTakeoverInterval(Duration takeoverInterval) {
        this.takeoverInterval = takeoverInterval;
    }

    public Duration getEpochWaitTimeout() {
        return epochWaitTimeout;
    }

    public void setEpochWaitTimeout(Duration epochWaitTimeout) {
        this.epochWaitTimeout = epochWaitTimeout;
    }

    public Duration getSettleDelay() {
        return settleDelay;
    }

    public void setSettleDelay(Duration settleDelay) {
        this.settleDelay = settleDelay;
    }

    public Duration getStreamFailureTimeout() {
        return streamFailureTimeout;
    }

    public void setStreamFailureTimeout(Duration streamFailureTimeout) {
        this.streamFailureTimeout = streamFailureTimeout;
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
    }

    public Duration getRetryBackoffMax() {
        return retryBackoffMax;
    }

    public void setRetryBackoffMax(Duration retryBackoffMax) {
        this.retryBackoffMax = retryBackoffMax;
    }

    public int getBatchEntries() {
        return batchEntries;
    }

    public void setBatchEntries(int batchEntries) {
        this.batchEntries = batchEntries;
    }

    public long getStreamThroughputMibPerSecond() {
        return streamThroughputMibPerSecond;
    }

    public void setStreamThroughputMibPerSecond(long streamThroughputMibPerSecond) {
        this.streamThroughputMibPerSecond = streamThroughputMibPerSecond;
    }

    public long getBatchBytes() {
        return batchBytes;
    }

    public void setBatchBytes(long batchBytes) {
        this.batchBytes = batchBytes;
    }

    public Duration getStorageTimeout() {
        return storageTimeout;
    }

    public void setStorageTimeout(Duration storageTimeout) {
        this.storageTimeout = storageTimeout;
    }

    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    public Duration getHealthTimeout() {
        return healthTimeout;
    }

    public void setHealthTimeout(Duration healthTimeout) {
        this.healthTimeout = healthTimeout;
    }

    public boolean isListen() {
        return listen;
    }

    public void setListen(boolean listen) {
        this.listen = listen;
    }

    public int getStreamConcurrency() {
        return streamConcurrency;
    }

    public void setStreamConcurrency(int streamConcurrency) {
        this.streamConcurrency = streamConcurrency;
    }
}
