package io.pairdb.adapters.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts how often {@code /health/readiness} changed its answer, as whoever probes it saw it:
 * {@code coordinator_readiness_transitions_total{to="ready|not_ready"}}. A pod whose readiness
 * flaps keeps leaving and rejoining the Service; a counter catches every flip, where a gauge
 * scraped every 30 s would miss those shorter than the scrape interval. The first answer after
 * start is not a transition.
 */
@ServerFilter("/health/readiness")
public final class ReadinessTransitions {
    private final Counter toReady;
    private final Counter toNotReady;
    private final AtomicReference<Boolean> lastAnswer = new AtomicReference<>();

    public ReadinessTransitions(MeterRegistry registry) {
        toReady = transitions(registry, "ready");
        toNotReady = transitions(registry, "not_ready");
    }

    private static Counter transitions(MeterRegistry registry, String to) {
        return Counter.builder("coordinator.readiness.transitions")
                .description("Changes of the /health/readiness answer, by the answer changed to")
                .tag("to", to).register(registry);
    }

    @ResponseFilter
    public void answered(HttpResponse<?> response) {
        boolean ready = response.code() < 300;
        Boolean before = lastAnswer.getAndSet(ready);
        if (before != null && before != ready) {
            (ready ? toReady : toNotReady).increment();
        }
    }
}
