package io.pairdb.core.replication;

import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.util.Optional;

/** One request's deadline: the stricter of the configured timeout and the client's own. */
public record Deadline(long atMillis) {
    public static Deadline of(Clock clock, Duration configured, Optional<Duration> client) {
        Duration effective = client.filter(c -> c.compareTo(configured) < 0).orElse(configured);
        return new Deadline(clock.nowMillis() + Math.max(0, effective.toMillis()));
    }

    /** Time left, never negative. */
    public Duration remaining(Clock clock) {
        return Duration.ofMillis(Math.max(0, atMillis - clock.nowMillis()));
    }

    public boolean expired(Clock clock) {
        return clock.nowMillis() >= atMillis;
    }
}
