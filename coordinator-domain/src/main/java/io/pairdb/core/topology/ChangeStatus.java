package io.pairdb.core.topology;

/** Where a topology change stands. Only IN_PROGRESS changes are driven. */
public enum ChangeStatus {
    IN_PROGRESS,
    /** Every range was streamed and the node reached its final state. */
    COMPLETED,
    /** Streaming kept failing past the timeout (or could not start); the ring change was undone. */
    FAILED,
    /** Undone on request. Not produced yet: no cancel command exists. */
    ROLLED_BACK;

    public boolean isFinal() {
        return this != IN_PROGRESS;
    }
}
