package io.pairdb.core.port;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import java.util.Optional;

/**
 * Storage nodes and the ring epoch, shared by every coordinator. Thread-safe. Every change
 * to ring membership bumps the epoch in the same transaction, so a reader that sees an
 * epoch sees the membership that goes with it. Throws {@link io.pairdb.core.PairDbException}
 * when the store cannot be reached.
 */
public interface TopologyStore {
    enum InsertOutcome { INSERTED, ALREADY_EXISTS }

    /** The current nodes (every state, LEFT included) and the epoch they belong to, in one snapshot. */
    Topology load();

    /** The current ring epoch; cheap, for polling. */
    long epoch();

    /** Registers a node and bumps the epoch. */
    InsertOutcome insert(StorageNode node);

    Optional<StorageNode> find(NodeId id);

    /**
     * Replaces a node's record. Bumps the epoch when its ring state changed; a liveness-only
     * change does not move ranges and leaves the epoch alone. Returns the new epoch, or empty
     * if the node is unknown.
     */
    Optional<Long> update(StorageNode node);
}
