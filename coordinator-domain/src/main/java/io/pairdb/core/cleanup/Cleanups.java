package io.pairdb.core.cleanup;

import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What the admin API asks of cleanups: a change's cleanup as it stands, and forcing one. Thread-safe. */
public final class Cleanups {
    private final CleanupStore store;
    private final ForceCleanup force;
    private final Duration gracePeriod;

    public Cleanups(CleanupStore store, ForceCleanup force, Duration gracePeriod) {
        this.store = Objects.requireNonNull(store, "store");
        this.force = Objects.requireNonNull(force, "force");
        this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    }

    /** @throws io.pairdb.core.PairDbException if the store cannot be reached */
    public Optional<ChangeCleanup> find(ChangeId change) {
        return store.find(change);
    }

    /**
     * When the change's cleanup becomes due (its released ranges once COMPLETED, its stray copies
     * once FAILED), or empty while it is in progress.
     */
    public Optional<Instant> dueAt(TopologyChange change, ChangeCleanup cleanup) {
        if (!change.status().isFinal()) {
            return Optional.empty();
        }
        return cleanup.forced().map(CleanupOrder::at).or(() -> change.completedAt().map(at -> at.plus(gracePeriod)));
    }

    /** See {@link ForceCleanup#force}. */
    public CleanupStore.Force force(ChangeId change, String reason, String requestedBy) {
        return force.force(change, reason, requestedBy);
    }
}
