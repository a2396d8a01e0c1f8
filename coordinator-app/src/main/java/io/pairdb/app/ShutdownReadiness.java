package io.pairdb.app;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/** Not ready once the coordinator has begun to shut down. */
@Singleton
@Readiness
public class ShutdownReadiness implements HealthIndicator {
    private final GracefulShutdown shutdown;

    public ShutdownReadiness(GracefulShutdown shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(HealthResult.builder("shutdown",
                shutdown.isShuttingDown() ? HealthStatus.DOWN : HealthStatus.UP).build());
    }
}
