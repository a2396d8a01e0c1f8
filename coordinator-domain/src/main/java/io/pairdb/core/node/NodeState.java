package io.pairdb.core.node;

/**
 * Ring membership (Cassandra's states). Whether a node answers is a separate matter
 * ({@link Liveness}): a DOWN node keeps its ranges.
 */
public enum NodeState {
    /** Owns ranges; serves reads and writes. */
    NORMAL,
    /** Joining: receives writes as a pending replica, never serves reads. */
    BOOTSTRAPPING,
    /** Departing: still owns its ranges until streaming is done. */
    LEAVING,
    /** Gone from the ring; kept for audit. */
    LEFT;

    /** Members of the current ring, whose replicas serve reads. */
    public boolean inCurrentRing() {
        return this == NORMAL || this == LEAVING;
    }

    /** Members of the ring as it will be once in-flight changes complete. */
    public boolean inFutureRing() {
        return this == NORMAL || this == BOOTSTRAPPING;
    }
}
