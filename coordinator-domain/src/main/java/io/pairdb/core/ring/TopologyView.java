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
 * NORMAL and LEAVING nodes, the future ring NORMAL and BOOTSTRAPPING ones; a node whose change
 * is handing over ({@link io.pairdb.core.node.NodeState#BOOTSTRAPPED},
 * {@link io.pairdb.core.node.NodeState#HANDED_OVER}) is already in the current ring as it will
 * be, and the previous ring keeps it as it was for writes. Immutable.
 */
public final class TopologyView {
    private final Topology topology;
    private final Map<NodeId, StorageNode> nodes;
    private final Ring current;
    private final Ring future;
    private final Ring previous;

    private TopologyView(Topology topology) {
        this.topology = topology;
        Map<NodeId, StorageNode> byId = new LinkedHashMap<>();
        List<Ring.Member> currentMembers = new ArrayList<>();
        List<Ring.Member> futureMembers = new ArrayList<>();
        List<Ring.Member> previousMembers = new ArrayList<>();
        for (StorageNode n : topology.nodes()) {
            byId.put(n.id(), n);
            if (n.state().inCurrentRing()) {
                currentMembers.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
            if (n.state().inFutureRing()) {
                futureMembers.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
            if (n.state().inPreviousRing()) {
                previousMembers.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
        }
        this.nodes = Collections.unmodifiableMap(byId);
        this.current = Ring.of(currentMembers);
        this.future = Ring.of(futureMembers);
        this.previous = Ring.of(previousMembers);
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

    /**
     * The nodes that stay in the ring whatever the changes under way do: those of the current ring
     * less any leaving, and none still joining. A tenant's RF must not exceed it (a decommission under
     * way was allowed for the RFs there were when it started).
     */
    public int lastingNodeCount() {
        return Math.min(current.nodeCount(), future.nodeCount());
    }

    /** The key's replica sets, or empty when the current ring has fewer than {@code rf} nodes. */
    public Optional<ReplicaSets> replicasFor(Token token, int rf) {
        return replicasFor(token, rf, rf);
    }

    /**
     * The key's replica sets for a tenant read at {@code rf} and written at {@code writeRf}
     * ({@code writeRf > rf} while its RF is being raised): natural replicas are the first
     * {@code rf} of the current ring; pending replicas are every other node among the first
     * {@code writeRf} of either ring (the future ring's when nodes are joining or leaving, the
     * current ring's extra replicas while the RF grows), and the first {@code rf} of the previous
     * ring while a change hands over (so a write acknowledged by {@code required + pending}
     * replicas holds a quorum of the replicas readers one epoch behind read from). Empty when the
     * current ring has fewer than {@code rf} nodes.
     */
    public Optional<ReplicaSets> replicasFor(Token token, int rf, int writeRf) {
        if (rf > current.nodeCount()) {
            return Optional.empty();
        }
        List<StorageNode> natural = current.replicasFor(token, rf).stream().map(nodes::get).toList();
        List<StorageNode> pending = new ArrayList<>();
        if (writeRf > rf) {
            addPending(current.replicasFor(token, Math.min(writeRf, current.nodeCount())), natural, pending);
        }
        int futureRf = Math.min(Math.max(rf, writeRf), future.nodeCount());
        if (rf <= future.nodeCount()) {
            addPending(future.replicasFor(token, futureRf), natural, pending);
        }
        if (rf <= previous.nodeCount()) {
            addPending(previous.replicasFor(token, rf), natural, pending);
        }
        return Optional.of(new ReplicaSets(token, natural, pending));
    }

    private void addPending(List<NodeId> candidates, List<StorageNode> natural, List<StorageNode> pending) {
        for (NodeId id : candidates) {
            StorageNode n = nodes.get(id);
            if (!natural.contains(n) && !pending.contains(n)) {
                pending.add(n);
            }
        }
    }
}
