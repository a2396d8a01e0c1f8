package io.pairdb.core.topology;

import io.pairdb.core.port.CleanupStore;
import java.util.Objects;

/**
 * The long-running work all coordinators share, as the stores last showed it: the topology
 * changes in progress and the cleanup backlog they left.
 */
public record WorkInFlight(ChangesInFlight changes, CleanupStore.Backlog backlog) {
    public WorkInFlight {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(backlog, "backlog");
    }
}
