package io.pairdb.core.replication;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import java.util.List;
import java.util.Optional;

/**
 * A round's count of answers over every replica it calls and, if it has an {@link AlsoAmong}, over
 * that subset too: reached once both are, failed as soon as either can no longer be. Not
 * thread-safe: the rounds serialise access.
 */
final class JointCount {
    private final QuorumTracker overall;
    private final Optional<AlsoAmong> also;
    private final QuorumTracker amongAlso;

    JointCount(int required, List<StorageNode> targets, Optional<AlsoAmong> also) {
        this.overall = new QuorumTracker(required, targets.size());
        this.also = also;
        this.amongAlso = also.map(a -> new QuorumTracker(a.required(),
                (int) targets.stream().filter(n -> a.members().contains(n.id())).count())).orElse(null);
    }

    /** The count over every replica called (what the round reports as required, answered and failed). */
    QuorumTracker overall() {
        return overall;
    }

    QuorumTracker.Status success(StorageNode node) {
        overall.success();
        if (isMember(node.id())) {
            amongAlso.success();
        }
        return status();
    }

    QuorumTracker.Status failure(StorageNode node) {
        overall.failure();
        if (isMember(node.id())) {
            amongAlso.failure();
        }
        return status();
    }

    QuorumTracker.Status status() {
        QuorumTracker.Status all = overall.status();
        QuorumTracker.Status subset = also.isEmpty() ? QuorumTracker.Status.REACHED : amongAlso.status();
        if (all == QuorumTracker.Status.FAILED || subset == QuorumTracker.Status.FAILED) {
            return QuorumTracker.Status.FAILED;
        }
        return all == QuorumTracker.Status.REACHED && subset == QuorumTracker.Status.REACHED
                ? QuorumTracker.Status.REACHED : QuorumTracker.Status.PENDING;
    }

    /** Whether {@code node} is one of the subset's members and the subset still needs answers. */
    boolean wantedBySubset(NodeId node) {
        return isMember(node) && amongAlso.status() == QuorumTracker.Status.PENDING;
    }

    private boolean isMember(NodeId node) {
        return also.isPresent() && also.get().members().contains(node);
    }
}
