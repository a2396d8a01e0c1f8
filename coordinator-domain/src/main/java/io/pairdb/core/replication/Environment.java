package io.pairdb.core.replication;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Scheduler;
import java.util.Objects;

/**
 * Time, scheduling, what the data path reports, settings and the replicas' recent latencies: what every protocol step
 * needs besides its collaborators.
 */
public record Environment(Clock clock, Scheduler scheduler, RequestEvents events, CoordinatorSettings settings,
                          ReplicaLatencies latencies) {
    public Environment {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(latencies, "latencies");
    }

    /** An environment whose latency estimates start empty. */
    public Environment(Clock clock, Scheduler scheduler, RequestEvents events, CoordinatorSettings settings) {
        this(clock, scheduler, events, settings, new ReplicaLatencies());
    }
}
