package io.pairdb.core.liveness;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The failure detector's state machine, one per coordinator: a node is DOWN after
 * {@code failuresBeforeDown} consecutive failed probes and UP again on the next success. Nodes
 * start UP, as registration leaves them. Pure: the probing is {@link DetectFailures}'s.
 * Thread-safe.
 */
public final class FailureDetector {
    public static final int DEFAULT_FAILURES_BEFORE_DOWN = 3;

    private record NodeHealth(Liveness liveness, int consecutiveFailures) {
        static final NodeHealth FRESH = new NodeHealth(Liveness.UP, 0);
    }

    private final int failuresBeforeDown;
    private final Map<NodeId, NodeHealth> nodes = new HashMap<>();

    public FailureDetector(int failuresBeforeDown) {
        if (failuresBeforeDown < 1) {
            throw new IllegalArgumentException("failures before DOWN must be at least 1, was " + failuresBeforeDown);
        }
        this.failuresBeforeDown = failuresBeforeDown;
    }

    /** Records a successful probe; returns UP if the node was DOWN. */
    public synchronized Optional<Liveness> succeeded(NodeId node) {
        NodeHealth before = nodes.getOrDefault(node, NodeHealth.FRESH);
        nodes.put(node, NodeHealth.FRESH);
        return before.liveness() == Liveness.DOWN ? Optional.of(Liveness.UP) : Optional.empty();
    }

    /** Records a failed probe; returns DOWN if this failure is the one that crosses the threshold. */
    public synchronized Optional<Liveness> failed(NodeId node) {
        NodeHealth before = nodes.getOrDefault(node, NodeHealth.FRESH);
        int failures = before.consecutiveFailures() + 1;
        Liveness now = failures >= failuresBeforeDown ? Liveness.DOWN : before.liveness();
        nodes.put(node, new NodeHealth(now, failures));
        return now != before.liveness() ? Optional.of(now) : Optional.empty();
    }

    public synchronized Liveness liveness(NodeId node) {
        return nodes.getOrDefault(node, NodeHealth.FRESH).liveness();
    }

    /** Consecutive failed probes since the last success. */
    public synchronized int consecutiveFailures(NodeId node) {
        return nodes.getOrDefault(node, NodeHealth.FRESH).consecutiveFailures();
    }

    /** Forgets a node that left the ring. */
    public synchronized void forget(NodeId node) {
        nodes.remove(node);
    }
}
