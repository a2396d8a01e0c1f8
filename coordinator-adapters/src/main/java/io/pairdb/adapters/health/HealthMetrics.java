package io.pairdb.adapters.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the readiness checks found, as metrics. Created with the application, so every series
 * exists before the first probe.
 *
 * <ul>
 *   <li>{@code coordinator_dependency_up{dependency="postgresql|redis"}}: 1 when the dependency
 *       answered its last readiness check in time, 0 when not. The checks run whenever
 *       {@code /health/readiness} is asked (the kubelet's readiness probe, every 5 s in the chart).
 *       Both start at 1: the coordinator does not finish starting without reaching both.</li>
 *   <li>{@code coordinator_readiness_transitions_total{to="ready|not_ready"}}: how often the answer
 *       of {@code /health/readiness} changed, as whoever probes it saw it. A pod whose readiness
 *       flaps keeps leaving and rejoining the Service; a counter catches every flip, where a gauge
 *       scraped every 30 s misses those shorter than the scrape interval. The first answer after
 *       start is not a transition.</li>
 * </ul>
 */
@Context
public final class HealthMetrics {
    public enum Dependency { POSTGRESQL, REDIS }

    private final Map<Dependency, AtomicInteger> up = new EnumMap<>(Dependency.class);
    private final Counter toReady;
    private final Counter toNotReady;
    private final AtomicReference<Boolean> lastReadiness = new AtomicReference<>();

    public HealthMetrics(MeterRegistry registry) {
        for (Dependency dependency : Dependency.values()) {
            AtomicInteger value = new AtomicInteger(1);
            up.put(dependency, value);
            Gauge.builder("coordinator.dependency.up", value, AtomicInteger::get)
                    .description("1 when the dependency answered its last readiness check in time, 0 when not")
                    .tag("dependency", dependency.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        toReady = transitions(registry, "ready");
        toNotReady = transitions(registry, "not_ready");
    }

    private static Counter transitions(MeterRegistry registry, String to) {
        return Counter.builder("coordinator.readiness.transitions")
                .description("Changes of the /health/readiness answer, by the answer changed to")
                .tag("to", to).register(registry);
    }

    void dependencyChecked(Dependency dependency, boolean answered) {
        up.get(dependency).set(answered ? 1 : 0);
    }

    void readinessAnswered(boolean ready) {
        Boolean before = lastReadiness.getAndSet(ready);
        if (before != null && before != ready) {
            (ready ? toReady : toNotReady).increment();
        }
    }
}
