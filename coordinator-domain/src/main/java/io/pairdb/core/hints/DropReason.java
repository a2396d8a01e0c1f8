package io.pairdb.core.hints;

/** Why a hint was given up on without being delivered. Every drop is counted, never silent. */
public enum DropReason {
    /** Its delivery failed as many times as allowed. */
    MAX_ATTEMPTS,
    /**
     * It outlived the hint TTL. Delivering a version that old could bring back a value whose
     * tombstone the node has already purged, so it is dropped instead (Cassandra's reasoning).
     */
    EXPIRED,
    /** Its node has left the ring; what it owned is someone else's now. */
    NODE_LEFT,
    /**
     * Its node no longer replicates the hint's key (a change moved the key away, or the tenant is
     * gone): the node's copy of the key's range is on its way to being cleaned up, and an old
     * version delivered there could bring back a key deleted since.
     */
    NOT_A_REPLICA
}
