package io.pairdb.core.replication;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorMetrics;
import io.pairdb.core.port.Scheduler;
import java.util.Objects;

/**
 * Time, scheduling, metrics, settings and the replicas' recent latencies: what every protocol step
 * needs besides its collaborators.
 */
public record Environment(Clock clock, Scheduler scheduler, CoordinatorMetrics metrics, CoordinatorSettings settings,
                          ReplicaLatencies latencies) {
    public Environment {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(latencies, "latencies");
    }

    /** An environment whose latency estimates start empty. */
    public Environment(Clock clock, Scheduler scheduler, CoordinatorMetrics metrics, CoordinatorSettings settings) {
        this(clock, scheduler, metrics, settings, new ReplicaLatencies());
    }
}
