package io.pairdb.adapters.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.tenant.TenantEvents;
import java.util.Objects;

/**
 * What the tenant lookups report ({@link TenantEvents}) as Micrometer counters:
 * {@code coordinator_cache_hits_total{cache="tenant"}} and {@code coordinator_cache_misses_total{cache="tenant"}}.
 */
public final class MicrometerTenantEvents implements TenantEvents {
    private final Counter hits;
    private final Counter misses;

    public MicrometerTenantEvents(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        hits = Counter.builder("coordinator.cache.hits").description("Tenant lookups answered from the cache")
                .tag("cache", "tenant").register(registry);
        misses = Counter.builder("coordinator.cache.misses").description("Tenant lookups that went to PostgreSQL")
                .tag("cache", "tenant").register(registry);
    }

    @Override
    public void cacheHit() {
        hits.increment();
    }

    @Override
    public void cacheMiss() {
        misses.increment();
    }
}
