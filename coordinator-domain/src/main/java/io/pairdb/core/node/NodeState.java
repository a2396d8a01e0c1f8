package io.pairdb.core.node;

/**
 * Ring membership (Cassandra's states, plus one hand-over state per direction). Whether a node
 * answers is a separate matter ({@link Liveness}): a DOWN node keeps its ranges.
 *
 * <p>A node change ends in two epochs. When its streams are done, the node is first
 * {@link #BOOTSTRAPPED} (or {@link #HANDED_OVER}): reads move to the ring as it will be, while
 * writes still reach a quorum of the ring as it was too. Only once every live coordinator serves
 * that epoch does the node become {@link #NORMAL} (or {@link #LEFT}) and the old replicas stop
 * receiving writes — so a coordinator one epoch behind never reads from replicas that no longer
 * get the writes of coordinators one epoch ahead.
 */
public enum NodeState {
    /** Owns ranges; serves reads and writes. */
    NORMAL,
    /** Joining: receives writes as a pending replica, never serves reads. */
    BOOTSTRAPPING,
    /** Joined: its ranges are streamed and it serves reads; the replicas it takes over still receive writes. */
    BOOTSTRAPPED,
    /** Departing: still owns its ranges until streaming is done. */
    LEAVING,
    /** Departed: its ranges are streamed and it no longer serves reads, but still receives writes. */
    HANDED_OVER,
    /** Gone from the ring; kept for audit. */
    LEFT;

    /** Members of the current ring, whose replicas serve reads. */
    public boolean inCurrentRing() {
        return this == NORMAL || this == LEAVING || this == BOOTSTRAPPED;
    }

    /** Members of the ring as it will be once in-flight changes complete. */
    public boolean inFutureRing() {
        return this == NORMAL || this == BOOTSTRAPPING || this == BOOTSTRAPPED;
    }

    /**
     * Members of the ring as it was before the changes now handing over: readers one epoch behind
     * still read from it, so writes keep reaching a quorum of it.
     */
    public boolean inPreviousRing() {
        return this == NORMAL || this == LEAVING || this == HANDED_OVER;
    }
}
