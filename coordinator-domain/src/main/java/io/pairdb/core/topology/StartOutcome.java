package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import java.time.Duration;

/** How a request to add or remove a node ended. */
public sealed interface StartOutcome {
    /**
     * The change is stored and this coordinator drives it; or, a node added with nothing to
     * stream while no other coordinator is live, it is already COMPLETED (a removal is always
     * driven). {@code node}, {@code epoch} and the node's share of the ring
     * ({@code ownershipPercent}, 0 for a node leaving it) as of the start.
     */
    record Started(TopologyChange change, StorageNode node, long epoch, double ownershipPercent) implements StartOutcome {
    }

    /** A node with this id is registered and has not left. */
    record NodeExists(NodeId id) implements StartOutcome {
    }

    record AddressInUse(NodeId byNode, String address) implements StartOutcome {
    }

    record NodeNotFound(NodeId id) implements StartOutcome {
    }

    /** Only a NORMAL node can be removed. */
    record NodeNotNormal(NodeId id, NodeState state) implements StartOutcome {
    }

    /** The removal would leave fewer nodes than the largest replication factor in use. */
    record TooFewNodes(NodeId id, int remaining, int largestReplicationFactor) implements StartOutcome {
    }

    /** The node to remove does not answer; removing it means streaming from the survivors (force). */
    record NodeDown(NodeId id, String reason) implements StartOutcome {
    }

    /** The node to add does not answer its health probe, so it cannot tell whether it holds data. */
    record NodeUnreachable(NodeId id, String reason) implements StartOutcome {
    }

    /**
     * The node to add holds entries (left from an earlier membership, or from another cluster):
     * versions whose tombstones were purged elsewhere would come back. Refused unless asked for.
     */
    record HoldsData(NodeId id, long keys) implements StartOutcome {
    }

    /** The node to add keeps tombstones for less time than the coordinators' hints and cleanups assume. */
    record GcGraceTooShort(NodeId id, Duration reported, Duration required) implements StartOutcome {
    }

    /** The change would run into a change in flight (see {@link ChangeConflicts}). */
    record Conflicting(ChangeId other, String reason) implements StartOutcome {
    }

    /** A repair run is writing to the replicas the change would move (see {@link ChangeConflicts#withRepair}). */
    record RepairRunning(String run, String reason) implements StartOutcome {
    }

    /** The ring kept changing under the request; nothing was started. Retrying is safe. */
    record Contended(int attempts) implements StartOutcome {
    }
}
