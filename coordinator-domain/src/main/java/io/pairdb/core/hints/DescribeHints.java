package io.pairdb.core.hints;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hints per node for the admin API and the pending-hints gauges: every node in the ring (with
 * zero when nothing waits), plus any node that has hints or counts without being in it.
 * Thread-safe.
 */
public final class DescribeHints {
    private final HintStore hints;
    private final ClusterTopology topology;
    private final HintTally tally;
    private final HintEvents metrics;
    private final Clock clock;

    public DescribeHints(HintStore hints, ClusterTopology topology, HintTally tally, HintEvents metrics, Clock clock) {
        this.hints = Objects.requireNonNull(hints, "hints");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.tally = Objects.requireNonNull(tally, "tally");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the store once and reports every node's pending count and oldest hint to {@link HintEvents};
     * the nodes are those of the ring the store holds now.
     *
     * @throws io.pairdb.core.PairDbException if the hint store cannot be reached
     */
    public HintReport describe() {
        Instant now = clock.now();
        TopologyView view = topology.refresh();
        Map<NodeId, PendingHints> pending = new TreeMap<>();
        hints.stats().forEach(p -> pending.put(p.target(), p));
        Map<NodeId, HintTally.Counts> counts = tally.all();

        TreeMap<NodeId, Optional<Liveness>> targets = new TreeMap<>();
        for (StorageNode n : view.nodes()) {
            if (n.state() != NodeState.LEFT) {
                targets.put(n.id(), Optional.of(n.liveness()));
            }
        }
        for (NodeId id : pending.keySet()) {
            targets.putIfAbsent(id, view.node(id).map(StorageNode::liveness));
        }
        for (NodeId id : counts.keySet()) {
            targets.putIfAbsent(id, view.node(id).map(StorageNode::liveness));
        }

        List<HintReport.NodeHints> lines = new ArrayList<>();
        targets.forEach((id, liveness) -> {
            PendingHints p = pending.get(id);
            long count = p == null ? 0 : p.count();
            HintReport.NodeHints line = new HintReport.NodeHints(id, liveness, count,
                    Optional.ofNullable(p).map(PendingHints::oldestCreatedAt),
                    counts.getOrDefault(id, HintTally.Counts.NONE));
            metrics.pending(id, count);
            metrics.oldestPending(id, line.oldestAge(now));
            lines.add(line);
        });
        return new HintReport(now, tally.coordinatorId(), tally.since(), lines);
    }
}
