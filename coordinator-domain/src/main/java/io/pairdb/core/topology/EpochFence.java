package io.pairdb.core.topology;

import io.pairdb.core.port.CoordinatorRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether every live coordinator serves a ring epoch yet (DESIGN.md §4): until then some
 * coordinator may still write to the old replica sets only, and a range streamed now could miss
 * those writes. This coordinator answers for itself from its own served view, which is fresher
 * than its last heartbeat; the others from theirs. A coordinator silent for longer than the
 * liveness timeout is not waited for: that is safe because a coordinator stops serving once it has
 * not confirmed its epoch ({@link #confirmServedEpoch}) for a bound shorter than that timeout,
 * and every confirmation ends with a heartbeat. Thread-safe.
 */
public final class EpochFence {
    /** Outcome of a check. */
    public sealed interface Check {
        record Serving() implements Check {
        }

        /** These coordinators still serve an older epoch. */
        record Behind(List<CoordinatorRegistry.Member> coordinators) implements Check {
        }
    }

    private final CoordinatorRegistry registry;
    private final ClusterTopology topology;
    private final String self;
    private final Duration livenessTimeout;

    public EpochFence(CoordinatorRegistry registry, ClusterTopology topology, String self, Duration livenessTimeout) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.self = Objects.requireNonNull(self, "self");
        this.livenessTimeout = Objects.requireNonNull(livenessTimeout, "livenessTimeout");
    }

    /** @throws io.pairdb.core.PairDbException if the registry cannot be read */
    public Check check(long epoch) {
        if (topology.current().epoch() < epoch && topology.refresh().epoch() < epoch) {
            return new Check.Behind(List.of(new CoordinatorRegistry.Member(self, topology.current().epoch(),
                    Instant.EPOCH)));
        }
        List<CoordinatorRegistry.Member> behind = registry.live(livenessTimeout).stream()
                .filter(m -> !m.coordinatorId().equals(self))
                .filter(m -> m.servedEpoch() < epoch)
                .toList();
        return behind.isEmpty() ? new Check.Serving() : new Check.Behind(behind);
    }

    /**
     * Whether any coordinator but this one is live: one that may serve an older epoch than this
     * one's after a change this one makes.
     *
     * @throws io.pairdb.core.PairDbException if the registry cannot be read
     */
    public boolean othersLive() {
        return registry.live(livenessTimeout).stream().anyMatch(m -> !m.coordinatorId().equals(self));
    }

    /** Tells the others which epoch this coordinator serves, as it is now, without looking at the store. */
    public void reportServedEpoch() {
        registry.heartbeat(self, topology.current().epoch());
    }

    /**
     * Refreshes this coordinator's view from the store and reports the epoch it then serves; when
     * both succeed the view counts as confirmed (see {@link ClusterTopology#confirm}). Called on a
     * timer and after each epoch change.
     *
     * @throws io.pairdb.core.PairDbException if the store or the registry cannot be reached
     */
    public void confirmServedEpoch() {
        topology.confirm(epoch -> registry.heartbeat(self, epoch));
    }

    /** Leaves the registry at an orderly shutdown, so nobody waits out this coordinator's silence. */
    public void leave() {
        registry.leave(self);
    }
}
