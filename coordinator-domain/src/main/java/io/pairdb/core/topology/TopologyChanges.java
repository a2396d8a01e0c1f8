package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.tenant.TenantId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's view of topology changes: start an add, a removal or an RF change, look changes
 * up. Thread-safe.
 */
public final class TopologyChanges {
    private final AddNode addNode;
    private final RemoveNode removeNode;
    private final ChangeReplicationFactor changeRf;
    private final ChangeStore store;
    private final ClusterTopology topology;

    public TopologyChanges(AddNode addNode, RemoveNode removeNode, ChangeReplicationFactor changeRf, ChangeStore store,
                           ClusterTopology topology) {
        this.addNode = Objects.requireNonNull(addNode, "addNode");
        this.removeNode = Objects.requireNonNull(removeNode, "removeNode");
        this.changeRf = Objects.requireNonNull(changeRf, "changeRf");
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    /** See {@link AddNode#add(NodeId, String, int, int, boolean)}. */
    public StartOutcome add(NodeId id, String host, int port, int virtualNodes, boolean allowExistingData) {
        return addNode.add(id, host, port, virtualNodes, allowExistingData);
    }

    /** See {@link RemoveNode#remove}. */
    public StartOutcome remove(NodeId id, boolean force) {
        return removeNode.remove(id, force);
    }

    /** See {@link ChangeReplicationFactor#change}; this coordinator serves the newest ring first. */
    public ChangeReplicationFactor.Outcome changeReplicationFactor(TenantId tenant, int rf) {
        topology.refresh();
        return changeRf.change(tenant, rf);
    }

    public Optional<TopologyChange> find(ChangeId id) {
        return store.find(id);
    }

    /** The newest {@code limit} changes, newest first; with {@code inProgressOnly} only those in flight. */
    public List<TopologyChange> list(int limit, boolean inProgressOnly) {
        if (inProgressOnly) {
            List<TopologyChange> running = store.inProgress();
            return running.reversed().stream().limit(limit).toList();
        }
        return store.list(limit);
    }
}
