package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.tenants.*}: replication-factor bounds and the tenant cache (tenants found, and tenants missing). */
@ConfigurationProperties("pairdb.tenants")
public class TenantProperties {
    private int defaultReplicationFactor = 3;
    private int maxReplicationFactor = 5;
    private Duration cacheTtl = Duration.ofMinutes(5);
    /** How long a tenant the store does not have is remembered as missing. */
    private Duration missingTtl = Duration.ofSeconds(2);

    public int getDefaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public void setDefaultReplicationFactor(int defaultReplicationFactor) {
        this.defaultReplicationFactor = defaultReplicationFactor;
    }

    public int getMaxReplicationFactor() {
        return maxReplicationFactor;
    }

    public void setMaxReplicationFactor(int maxReplicationFactor) {
        this.maxReplicationFactor = maxReplicationFactor;
    }

    public Duration getCacheTtl() {
        return cacheTtl;
    }

    public void setCacheTtl(Duration cacheTtl) {
        this.cacheTtl = cacheTtl;
    }

    public Duration getMissingTtl() {
        return missingTtl;
    }

    public void setMissingTtl(Duration missingTtl) {
        this.missingTtl = missingTtl;
    }
}
