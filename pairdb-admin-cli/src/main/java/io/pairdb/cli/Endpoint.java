package io.pairdb.cli;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how this invocation calls the coordinator.
 *
 * @param timeout the deadline of each call
 */
public record Endpoint(CoordinatorAddress address, boolean tls, Duration timeout) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
    }
}
