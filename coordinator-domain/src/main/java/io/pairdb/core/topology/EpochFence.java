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
 * liveness timeout is not waited for. Thread-safe.
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

    /** Tells the others which epoch this coordinator serves. Called on a timer and after each epoch change. */
    public void reportServedEpoch() {
        registry.heartbeat(self, topology.current().epoch());
    }

    /** Leaves the registry at an orderly shutdown, so nobody waits out this coordinator's silence. */
    public void leave() {
        registry.leave(self);
    }
}
