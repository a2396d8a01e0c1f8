package io.pairdb.core.replication;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorMetrics;
import io.pairdb.core.port.Scheduler;
import java.util.Objects;

/** Time, scheduling, metrics and settings: what every protocol step needs besides its collaborators. */
public record Environment(Clock clock, Scheduler scheduler, CoordinatorMetrics metrics, CoordinatorSettings settings) {
    public Environment {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(settings, "settings");
    }
}
