package io.pairdb.app.limits;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.app.config.TopologyChangeProperties;
import io.pairdb.core.limits.AdmitTenantCall;
import io.pairdb.core.port.CoordinatorRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * Counts the live coordinators (those heard from within {@code pairdb.topology-changes.liveness-timeout})
 * every {@code heartbeat-interval}, so each lets a tenant through for its share of the tenant's
 * quota. Until the first count, and while the registry cannot be read, the last count stands
 * (at start: this coordinator alone, so a quota is never exceeded by more than the count lags).
 */
@Context
public class QuotaShares {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaShares.class);

    private final CoordinatorRegistry registry;
    private final AdmitTenantCall quotas;
    private final TopologyChangeProperties properties;

    public QuotaShares(CoordinatorRegistry registry, AdmitTenantCall quotas, TopologyChangeProperties properties) {
        this.registry = registry;
        this.quotas = quotas;
        this.properties = properties;
    }

    @Scheduled(fixedDelay = "${pairdb.topology-changes.heartbeat-interval:5s}")
    void count() {
        PeriodicRound.run(LOG, "live_coordinators_count_failed", "could not count the live coordinators; tenant "
                + "quotas keep the share of " + quotas.liveCoordinators() + " coordinators",
                () -> quotas.liveCoordinators(registry.live(properties.getLivenessTimeout()).size()));
    }
}
