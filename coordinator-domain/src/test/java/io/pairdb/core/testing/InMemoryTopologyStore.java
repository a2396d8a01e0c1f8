package io.pairdb.core.testing;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.TopologyStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

public final class InMemoryTopologyStore implements TopologyStore {
    private final Map<NodeId, StorageNode> nodes = new LinkedHashMap<>();
    private long epoch;

    @Override
    public synchronized Topology load() {
        return new Topology(epoch, nodes.values().stream().sorted(Comparator.comparing(StorageNode::id)).toList());
    }

    @Override
    public synchronized long epoch() {
        return epoch;
    }

    @Override
    public synchronized InsertOutcome insert(StorageNode node) {
        if (nodes.containsKey(node.id())) {
            return InsertOutcome.ALREADY_EXISTS;
        }
        nodes.put(node.id(), node);
        epoch++;
        return InsertOutcome.INSERTED;
    }

    /** Moves the ring to the next epoch without changing a node, as a tenant's RF change does. */
    public synchronized long bumpEpoch() {
        return ++epoch;
    }

    @Override
    public synchronized Optional<StorageNode> find(NodeId id) {
        return Optional.ofNullable(nodes.get(id));
    }

    @Override
    public synchronized Optional<Long> update(StorageNode node) {
        StorageNode before = nodes.get(node.id());
        if (before == null) {
            return Optional.empty();
        }
        nodes.put(node.id(), node);
        if (before.state() != node.state()) {
            epoch++;
        }
        return Optional.of(epoch);
    }
}
