package io.pairdb.core.cleanup;

import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeId;
import java.util.Objects;

/**
 * An operator's order to clean up a change that ended now: its ranges become due at once and are
 * deleted without the grace period and without verifying the new replicas (a former owner that
 * replicates a range again still keeps it). The reason, who asked and when are recorded with the
 * change. Thread-safe.
 */
public final class ForceCleanup {
    private final CleanupStore cleanups;
    private final Clock clock;
    private final String coordinatorId;
    private final CleanupEvents events;

    public ForceCleanup(CleanupStore cleanups, Clock clock, String coordinatorId, CleanupEvents events) {
        this.cleanups = Objects.requireNonNull(cleanups, "cleanups");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.coordinatorId = Objects.requireNonNull(coordinatorId, "coordinatorId");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * @param requestedBy who asks (the operator's name); this coordinator's id is added
     * @throws IllegalArgumentException when the reason is blank
     * @throws io.pairdb.core.PairDbException if the store cannot be reached
     */
    public CleanupStore.Force force(ChangeId change, String reason, String requestedBy) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a forced cleanup needs a reason");
        }
        String who = (requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy.strip())
                + " via " + coordinatorId;
        CleanupOrder order = new CleanupOrder(reason.strip(), who, clock.now());
        CleanupStore.Force outcome = cleanups.force(change, order);
        if (outcome instanceof CleanupStore.Force.Forced forced) {
            events.forced(forced.cleanup(), order);
        }
        return outcome;
    }
}
