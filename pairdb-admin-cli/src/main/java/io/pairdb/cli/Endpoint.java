package io.pairdb.cli;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how this invocation calls the coordinator.
 *
 * @param token the API key sent with every call, if any
 * @param timeout the deadline of each call
 */
public record Endpoint(CoordinatorAddress address, Transport transport, Optional<BearerToken> token, Duration timeout) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(timeout, "timeout");
    }

    public boolean tls() {
        return transport instanceof Transport.Tls;
    }
}
