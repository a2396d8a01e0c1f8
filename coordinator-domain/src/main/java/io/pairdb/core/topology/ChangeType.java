package io.pairdb.core.topology;

import io.pairdb.core.node.NodeState;

/** What a topology change does: to its node, or to a tenant's replication factor. */
public enum ChangeType {
    /** Bootstrap: the node joins as BOOTSTRAPPING, receives its ranges, then becomes NORMAL. */
    ADD_NODE,
    /** Decommission: the node becomes LEAVING, hands its ranges over, then is LEFT. */
    REMOVE_NODE,
    /**
     * A tenant's replication factor: raised, its data streams to the new replicas (pending
     * replicas meanwhile) before reads use the new RF; lowered, the extra replicas stop being
     * used at once and their copies are cleaned up later.
     */
    CHANGE_RF;

    public boolean concernsNode() {
        return this != CHANGE_RF;
    }

    /** The node's state while the change runs. */
    public NodeState whileRunning() {
        return switch (this) {
            case ADD_NODE -> NodeState.BOOTSTRAPPING;
            case REMOVE_NODE -> NodeState.LEAVING;
            case CHANGE_RF -> throw new IllegalStateException("a replication factor change has no node");
        };
    }

    /**
     * The node's state once its streams are done, until every live coordinator serves the epoch
     * that says so: reads already use the ring as it will be, writes still reach the ring as it was.
     */
    public NodeState onHandOver() {
        return switch (this) {
            case ADD_NODE -> NodeState.BOOTSTRAPPED;
            case REMOVE_NODE -> NodeState.HANDED_OVER;
            case CHANGE_RF -> throw new IllegalStateException("a replication factor change has no node");
        };
    }

    /** The node's state once the change completed. */
    public NodeState onCompletion() {
        return switch (this) {
            case ADD_NODE -> NodeState.NORMAL;
            case REMOVE_NODE -> NodeState.LEFT;
            case CHANGE_RF -> throw new IllegalStateException("a replication factor change has no node");
        };
    }

    /** The node's state once the change failed and was undone. */
    public NodeState onRollback() {
        return switch (this) {
            case ADD_NODE -> NodeState.LEFT;
            case REMOVE_NODE -> NodeState.NORMAL;
            case CHANGE_RF -> throw new IllegalStateException("a replication factor change has no node");
        };
    }
}
