package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rings of one topology epoch (Cassandra's rules, DESIGN.md §4): the current ring holds
 * NORMAL and LEAVING nodes, the future ring NORMAL and BOOTSTRAPPING ones. Immutable.
 */
public final class TopologyView {
    private final Topology topology;
    private final Map<NodeId, StorageNode> nodes;
    private final Ring current;
    private final Ring future;

    private TopologyView(Topology topology) {
        this.topology = topology;
        Map<NodeId, StorageNode> byId = new LinkedHashMap<>();
        List<Ring.Member> currentMembers = new ArrayList<>();
        List<Ring.Member> futureMembers = new ArrayList<>();
        for (StorageNode n : topology.nodes()) {
            byId.put(n.id(), n);
            if (n.state().inCurrentRing()) {
                currentMembers.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
            if (n.state().inFutureRing()) {
                futureMembers.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
        }
        this.nodes = Collections.unmodifiableMap(byId);
        this.current = Ring.of(currentMembers);
        this.future = Ring.of(futureMembers);
    }

    public static TopologyView of(Topology topology) {
        return new TopologyView(topology);
    }

    public static TopologyView empty() {
        return of(Topology.empty());
    }

    public long epoch() {
        return topology.epoch();
    }

    public Topology topology() {
        return topology;
    }

    public Ring currentRing() {
        return current;
    }

    public Ring futureRing() {
        return future;
    }

    public Optional<StorageNode> node(NodeId id) {
        return Optional.ofNullable(nodes.get(id));
    }

    public List<StorageNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** Nodes in the current ring: the most replicas a key can have right now. */
    public int currentNodeCount() {
        return current.nodeCount();
    }

    /** The key's replica sets, or empty when the current ring has fewer than {@code rf} nodes. */
    public Optional<ReplicaSets> replicasFor(Token token, int rf) {
        if (rf > current.nodeCount()) {
            return Optional.empty();
        }
        List<StorageNode> natural = current.replicasFor(token, rf).stream().map(nodes::get).toList();
        List<StorageNode> pending = new ArrayList<>();
        if (rf <= future.nodeCount()) {
            for (NodeId id : future.replicasFor(token, rf)) {
                StorageNode n = nodes.get(id);
                if (!natural.contains(n)) {
                    pending.add(n);
                }
            }
        }
        return Optional.of(new ReplicaSets(token, natural, pending));
    }
}
