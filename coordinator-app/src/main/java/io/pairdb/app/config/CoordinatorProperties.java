package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.coordinator.*}: the data path. Every key also reads from its environment variable (PAIRDB_COORDINATOR_…). */
@ConfigurationProperties("pairdb.coordinator")
public class CoordinatorProperties {
    /** This coordinator's id in vector clocks; stable across restarts, unique among coordinators. */
    private String nodeId;
    /** How long a coordinator id leased from the pool stays ours without a renewal. */
    private Duration idLease = Duration.ofSeconds(30);
    /** How often that lease is renewed; a third of the lease rides out one missed renewal. */
    private Duration idRenewalInterval = Duration.ofSeconds(10);
    private Duration writeTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(3);
    private Duration idempotencyTtl = Duration.ofHours(24);
    private int maxValueBytes = 1024 * 1024;
    private String defaultConsistency = "quorum";
    private boolean repairAsync = true;
    private int maxRepairsInFlight = 1000;
    private int maxClockEntries = 10;
    /** Hint stores running at once; more are refused and counted. */
    private int maxHintStoresInFlight = 256;
    /** How far ahead of this coordinator's clock a causal context's counters may be. */
    private Duration maxClockSkew = Duration.ofMinutes(1);
    /** When the read before a write asks a spare replica: p99, 250ms, or p99,250ms (the lesser). */
    private String speculation = "p99,500ms";

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public Duration getIdLease() {
        return idLease;
    }

    public void setIdLease(Duration idLease) {
        this.idLease = idLease;
    }

    public Duration getIdRenewalInterval() {
        return idRenewalInterval;
    }

    public void setIdRenewalInterval(Duration idRenewalInterval) {
        this.idRenewalInterval = idRenewalInterval;
    }

    public Duration getWriteTimeout() {
        return writeTimeout;
    }

    public void setWriteTimeout(Duration writeTimeout) {
        this.writeTimeout = writeTimeout;
    }

    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public Duration getIdempotencyTtl() {
        return idempotencyTtl;
    }

    public void setIdempotencyTtl(Duration idempotencyTtl) {
        this.idempotencyTtl = idempotencyTtl;
    }

    public int getMaxValueBytes() {
        return maxValueBytes;
    }

    public void setMaxValueBytes(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public String getDefaultConsistency() {
        return defaultConsistency;
    }

    public void setDefaultConsistency(String defaultConsistency) {
        this.defaultConsistency = defaultConsistency;
    }

    public boolean isRepairAsync() {
        return repairAsync;
    }

    public void setRepairAsync(boolean repairAsync) {
        this.repairAsync = repairAsync;
    }

    public int getMaxRepairsInFlight() {
        return maxRepairsInFlight;
    }

    public void setMaxRepairsInFlight(int maxRepairsInFlight) {
        this.maxRepairsInFlight = maxRepairsInFlight;
    }

    public int getMaxClockEntries() {
        return maxClockEntries;
    }

    public void setMaxClockEntries(int maxClockEntries) {
        this.maxClockEntries = maxClockEntries;
    }

    public int getMaxHintStoresInFlight() {
        return maxHintStoresInFlight;
    }

    public void setMaxHintStoresInFlight(int maxHintStoresInFlight) {
        this.maxHintStoresInFlight = maxHintStoresInFlight;
    }

    public String getSpeculation() {
        return speculation;
    }

    public void setSpeculation(String speculation) {
        this.speculation = speculation;
    }

    public Duration getMaxClockSkew() {
        return maxClockSkew;
    }

    public void setMaxClockSkew(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
    }
}
