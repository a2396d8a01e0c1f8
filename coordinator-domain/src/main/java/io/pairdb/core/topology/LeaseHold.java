package io.pairdb.core.topology;

import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long this coordinator may still count on holding a change's lease, by its own clock: a
 * renewal that began at {@code t} and succeeded holds the lease until {@code t + lease} (the store
 * measured the new expiry from a moment no earlier than {@code t}). A driver writes to storage
 * only while the lease outlasts the write, so a successor that claims the change after the lease
 * ran out never meets a late write of the driver before it. Thread-safe: the renewal task and the
 * steps share it.
 */
final class LeaseHold {
    private final Clock clock;
    private final Duration lease;
    private final AtomicReference<Instant> validUntil;
    private volatile boolean lost;

    /** A lease granted no earlier than {@code since}. */
    LeaseHold(Clock clock, Duration lease, Instant since) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.validUntil = new AtomicReference<>(since.plus(lease));
    }

    /** A renewal that began at {@code since} succeeded. */
    void renewed(Instant since) {
        Instant until = since.plus(lease);
        validUntil.accumulateAndGet(until, (a, b) -> b.isAfter(a) ? b : a);
    }

    /** The store said the lease is someone else's now. */
    void lose() {
        lost = true;
    }

    boolean isLost() {
        return lost;
    }

    /** Whether the lease is still this coordinator's for at least {@code span} from now. */
    boolean holdsFor(Duration span) {
        return !lost && clock.now().plus(span).isBefore(validUntil.get());
    }
}
