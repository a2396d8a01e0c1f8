package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code pairdb.tenants.*}: replication-factor bounds and the tenant cache. */
@ConfigurationProperties("pairdb.tenants")
public class TenantProperties {
    private int defaultReplicationFactor = 3;
    private int maxReplicationFactor = 5;
    private Duration cacheTtl = Duration.ofMinutes(5);

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
}
