package io.pairdb.core.topology;

import io.pairdb.core.node.NodeState;

/** What a topology change does to its node. */
public enum ChangeType {
    /** Bootstrap: the node joins as BOOTSTRAPPING, receives its ranges, then becomes NORMAL. */
    ADD_NODE,
    /** Decommission: the node becomes LEAVING, hands its ranges over, then is LEFT. */
    REMOVE_NODE;

    /** The node's state while the change runs. */
    public NodeState whileRunning() {
        return this == ADD_NODE ? NodeState.BOOTSTRAPPING : NodeState.LEAVING;
    }

    /** The node's state once the change completed. */
    public NodeState onCompletion() {
        return this == ADD_NODE ? NodeState.NORMAL : NodeState.LEFT;
    }

    /** The node's state once the change failed and was undone. */
    public NodeState onRollback() {
        return this == ADD_NODE ? NodeState.LEFT : NodeState.NORMAL;
    }
}
