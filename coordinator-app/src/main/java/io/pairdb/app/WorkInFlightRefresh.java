package io.pairdb.app;

import static io.pairdb.app.config.ConfigurationError.positive;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.topology.ReadWorkInFlight;
import java.time.Duration;

/**
 * Reads the work in flight (changes in progress, the cleanup backlog) from PostgreSQL every
 * {@code pairdb.metrics.store-refresh-interval}, for the gauges of {@code MicrometerWorkInFlight}.
 */
@Context
public class WorkInFlightRefresh {
    private final ReadWorkInFlight read;

    public WorkInFlightRefresh(ReadWorkInFlight read,
                               @Value("${pairdb.metrics.store-refresh-interval:30s}") Duration refreshInterval) {
        positive("pairdb.metrics.store-refresh-interval", refreshInterval);
        this.read = read;
    }

    @Scheduled(fixedDelay = "${pairdb.metrics.store-refresh-interval:30s}")
    void refresh() {
        read.refresh();
    }
}
