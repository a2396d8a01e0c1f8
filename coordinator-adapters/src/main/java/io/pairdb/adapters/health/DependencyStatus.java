package io.pairdb.adapters.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether PostgreSQL and Redis answered their last readiness check, as
 * {@code coordinator_dependency_up{dependency="postgresql|redis"}} (1 up, 0 down). The checks run
 * whenever {@code /health/readiness} is asked (the kubelet's readiness probe, every 5 s in the
 * chart). Both start at 1: the coordinator does not finish starting without reaching both.
 * Created with the application, so the gauges exist before the first probe.
 */
@Context
public final class DependencyStatus {
    public enum Dependency { POSTGRESQL, REDIS }

    private final Map<Dependency, AtomicInteger> up = new EnumMap<>(Dependency.class);

    public DependencyStatus(MeterRegistry registry) {
        for (Dependency dependency : Dependency.values()) {
            AtomicInteger value = new AtomicInteger(1);
            up.put(dependency, value);
            Gauge.builder("coordinator.dependency.up", value, AtomicInteger::get)
                    .description("1 when the dependency answered its last readiness check in time, 0 when not")
                    .tag("dependency", dependency.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    void record(Dependency dependency, boolean answered) {
        up.get(dependency).set(answered ? 1 : 0);
    }
}
