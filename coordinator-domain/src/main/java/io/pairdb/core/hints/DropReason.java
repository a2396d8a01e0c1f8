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
    /**
     * No node replicates its key any more: its tenant is gone. (A hint whose node left the ring or
     * no longer replicates the key is not dropped: it is handed to the key's current replicas.)
     */
    NOT_A_REPLICA
}
