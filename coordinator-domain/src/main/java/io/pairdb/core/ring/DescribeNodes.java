package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.topology.ClusterTopology;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The storage nodes as {@code nodetool status} lists them: every registered node with its state,
 * liveness and share of the token space in the current ring. Reads the topology the store holds
 * now (refreshing this coordinator's view if the epoch moved).
 */
public final class DescribeNodes {
    /**
     * One node of the listing.
     *
     * @param ownershipPercent its share of the token space in the current ring (0 for a node that
     *                         is joining, or has left)
     */
    public record Listed(StorageNode node, double ownershipPercent) {
        public Listed {
            Objects.requireNonNull(node, "node");
        }
    }

    /** The nodes at {@code ringEpoch}, in the topology's order. */
    public record Listing(long ringEpoch, List<Listed> nodes) {
        public Listing {
            nodes = List.copyOf(nodes);
        }
    }

    private final ClusterTopology topology;

    public DescribeNodes(ClusterTopology topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    public Listing describe() {
        TopologyView view = topology.refresh();
        Map<NodeId, Double> share = view.currentRing().ownershipPercent();
        return new Listing(view.epoch(), view.nodes().stream()
                .map(node -> new Listed(node, share.getOrDefault(node.id(), 0.0))).toList());
    }
}
