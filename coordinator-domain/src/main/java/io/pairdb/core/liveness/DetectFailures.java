package io.pairdb.core.liveness;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Probes every storage node of the ring and feeds the answers to the {@link FailureDetector};
 * a transition is applied to the {@link ClusterTopology} at once (so the write path hints a DOWN
 * node without calling it and reads skip it) and then reported to the {@link LivenessEvents}
 * (hint replay on UP). Each coordinator keeps its own view from its own probes. Whoever drives it calls
 * {@link #probeAll()} on an interval. Thread-safe.
 *
 * <p>A probe that fails while the node answered this coordinator's data calls after it was sent
 * counts as a success: the node is alive, only busy. Under overload a probe waits behind the data
 * calls queued at the node and runs out its timeout, while the node goes on answering them; marking
 * it DOWN then would fail every call that needs it with {@code NOT_ENOUGH_REPLICAS}, and with every
 * node equally busy, every call. A node that answers nothing (crashed, cut off) is marked DOWN as
 * before; so is one whose data calls fail, since only successful answers count.
 */
public final class DetectFailures {
    /**
     * A liveness transition.
     *
     * @param lastFailure why the probe that marked the node DOWN failed; empty for UP
     */
    public record Transition(StorageNode node, Liveness now, int consecutiveFailures, Optional<String> lastFailure) {
        public Transition {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(lastFailure, "lastFailure");
        }
    }

    private final ClusterTopology topology;
    private final StorageHealth health;
    private final FailureDetector detector;
    private final Scheduler scheduler;
    private final Duration probeTimeout;
    private final LivenessEvents events;
    private final ToLongFunction<NodeId> answers;
    private final Set<NodeId> probing = ConcurrentHashMap.newKeySet();

    /**
     * @param answers how many data calls a node has answered this coordinator successfully so far (a
     *                count that only grows); a probe that fails after that count moved counts as a success
     */
    public DetectFailures(ClusterTopology topology, StorageHealth health, FailureDetector detector, Scheduler scheduler,
                          Duration probeTimeout, LivenessEvents events, ToLongFunction<NodeId> answers) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.health = Objects.requireNonNull(health, "health");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
        this.events = Objects.requireNonNull(events, "events");
        this.answers = Objects.requireNonNull(answers, "answers");
        if (!probeTimeout.isPositive()) {
            throw new IllegalArgumentException("probe timeout must be positive, was " + probeTimeout);
        }
    }

    /**
     * Starts one probe of every node that has not left the ring, skipping a node whose previous
     * probe is still out (a probe ends within the timeout, so at most one round is skipped).
     * Returns at once; the answers arrive later.
     */
    public void probeAll() {
        for (StorageNode node : topology.current().nodes()) {
            if (node.state() == NodeState.LEFT) {
                detector.forget(node.id());
                if (node.liveness() == Liveness.DOWN) {
                    // forgotten means UP to the detector: the served view must agree, or if the id joins the ring
                    // again no probe ever reports a transition and it stays DOWN here for good
                    topology.markLiveness(node.id(), Liveness.UP);
                }
                continue;
            }
            if (probing.add(node.id())) {
                probe(node);
            }
        }
    }

    private void probe(StorageNode node) {
        long answersBefore = answers.applyAsLong(node.id());
        Timeouts.bound(scheduler, Futures.started(() -> health.probe(node, probeTimeout)), probeTimeout,
                        () -> new PairDbException("node " + node.id(), "no health answer within " + probeTimeout))
                // off the transport's thread: a transition updates the topology and is reported
                .whenCompleteAsync((ok, error) -> {
                    try {
                        boolean alive = error == null || answers.applyAsLong(node.id()) != answersBefore;
                        var transition = alive ? detector.succeeded(node.id()) : detector.failed(node.id());
                        transition.ifPresent(now -> apply(node.id(), now, Optional.ofNullable(error).map(DetectFailures::why)));
                    } finally {
                        // only now: the next probe's transition must not overtake this one's
                        probing.remove(node.id());
                    }
                }, scheduler::execute);
    }

    private void apply(NodeId id, Liveness now, Optional<String> lastFailure) {
        int failures = detector.consecutiveFailures(id);
        topology.markLiveness(id, now).node(id).ifPresent(node ->
                events.changed(new Transition(node, now, failures, lastFailure)));
    }

    private static String why(Throwable error) {
        Throwable cause = Futures.cause(error);
        return String.valueOf(cause.getMessage());
    }
}
