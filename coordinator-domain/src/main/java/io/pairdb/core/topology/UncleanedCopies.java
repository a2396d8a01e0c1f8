package io.pairdb.core.topology;

import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a change from making a node a replica again of a range an earlier change left on it and
 * no cleanup deleted, once that copy is older than {@code window}. The copy misses every delete
 * since its change ended; the replicas purge those tombstones after their gc grace, and a stream
 * started later could not bring them, so the old values would come back. Within the window (half
 * the gc grace, as for the cleanup's hand-over) the change's streams have the other half to copy
 * the tombstones over. Reads the cleanup store only for the nodes the change streams to.
 */
public final class UncleanedCopies {
    private final CleanupStore cleanups;
    private final Clock clock;
    private final Duration window;

    public UncleanedCopies(CleanupStore cleanups, Clock clock, Duration window) {
        this.cleanups = Objects.requireNonNull(cleanups, "cleanups");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, was " + window);
        }
    }

    /**
     * Why {@code change} must wait for the cleanup of an earlier change, if it must (see
     * {@link ChangeConflicts#withUncleanedCopy}).
     *
     * @throws io.pairdb.core.PairDbException if the store cannot be reached
     */
    public Optional<ChangeConflicts.Conflict> find(TopologyChange change) {
        Set<NodeId> targets = change.streams().stream().map(RangeStream::target).collect(Collectors.toSet());
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        for (RangeCleanup left : cleanups.uncleaned(targets, clock.now().minus(window))) {
            Optional<String> reason = ChangeConflicts.withUncleanedCopy(change, left);
            if (reason.isPresent()) {
                return Optional.of(new ChangeConflicts.Conflict(left.change(), reason.get()));
            }
        }
        return Optional.empty();
    }
}
