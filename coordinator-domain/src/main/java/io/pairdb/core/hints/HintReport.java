package io.pairdb.core.hints;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Hints per storage node: what waits in the shared store, and what coordinator
 * {@code coordinatorId} has replayed and dropped since {@code countingSince}.
 */
public record HintReport(Instant takenAt, String coordinatorId, Instant countingSince, List<NodeHints> nodes) {
    /**
     * One node's line.
     *
     * @param liveness as this coordinator's failure detector sees it; empty for a node not in its ring
     * @param oldestCreatedAt creation time of the oldest waiting hint; empty when none waits
     */
    public record NodeHints(NodeId target, Optional<Liveness> liveness, long pending, Optional<Instant> oldestCreatedAt,
                            HintTally.Counts sinceStart) {
        public NodeHints {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(liveness, "liveness");
            Objects.requireNonNull(oldestCreatedAt, "oldestCreatedAt");
            Objects.requireNonNull(sinceStart, "sinceStart");
        }

        /** Age of the oldest waiting hint at {@code now}; empty when none waits. */
        public Optional<Duration> oldestAge(Instant now) {
            return oldestCreatedAt.map(oldest -> oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now));
        }
    }

    public HintReport {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(coordinatorId, "coordinatorId");
        Objects.requireNonNull(countingSince, "countingSince");
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeHints> node(NodeId id) {
        return nodes.stream().filter(n -> n.target().equals(id)).findFirst();
    }
}
