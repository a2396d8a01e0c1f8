package io.pairdb.adapters.health;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthResult;

/**
 * Tells {@link HealthMetrics} every answer {@code /health/readiness} gave: ready when its HTTP
 * status is 2xx. The endpoint's own response filter turns a DOWN result into 503, possibly after
 * this one ran, so the status is worked out from the result the same way (the endpoint's status
 * mapping, else whether the status is operational) rather than read from the response.
 */
@ServerFilter("/health/readiness")
public final class ReadinessAnswers {
    private final HealthMetrics metrics;
    private final HealthEndpoint endpoint;

    public ReadinessAnswers(HealthMetrics metrics, HealthEndpoint endpoint) {
        this.metrics = metrics;
        this.endpoint = endpoint;
    }

    @ResponseFilter
    public void answered(HttpResponse<?> response) {
        int code = response.body() instanceof HealthResult result ? code(result) : response.code();
        metrics.readinessAnswered(code >= 200 && code < 300);
    }

    private int code(HealthResult result) {
        HttpStatus mapped = endpoint.getStatusConfiguration().getHttpMapping().get(result.getStatus().getName());
        if (mapped != null) {
            return mapped.getCode();
        }
        return result.getStatus().getOperational().orElse(true) ? HttpStatus.OK.getCode()
                : HttpStatus.SERVICE_UNAVAILABLE.getCode();
    }
}
