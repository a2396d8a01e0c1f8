package io.pairdb.core.replication;

import io.pairdb.core.Timeouts;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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

    /**
     * {@code call}'s future, or one that fails with {@code onTimeout}'s exception when this
     * deadline passes first: a request never waits on a port past its deadline. A call that has
     * answered already is returned as it is.
     */
    public <T> CompletableFuture<T> bound(CompletableFuture<T> call, Clock clock, Scheduler scheduler,
                                          Supplier<? extends RuntimeException> onTimeout) {
        if (call.isDone()) {
            return call;
        }
        return Timeouts.bound(scheduler, call, remaining(clock), onTimeout);
    }
}
