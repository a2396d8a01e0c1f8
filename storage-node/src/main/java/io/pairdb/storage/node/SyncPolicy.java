package io.pairdb.storage.node;

/**
 * When the write-ahead log reaches the disk. Whatever the policy, a write is in the log (in the
 * operating system's hands) before it is acknowledged, so an acknowledged write survives the
 * node's process being killed ({@code kill -9}, a crash, an out-of-memory kill). The policy decides
 * what a power loss or kernel crash of the machine may take.
 */
public enum SyncPolicy {
    /** fsync before every acknowledgement (concurrent writes share one): nothing acknowledged is lost. */
    ALWAYS,
    /** fsync every sync interval: a machine crash loses at most the writes of the last interval on this replica. */
    PERIODIC,
    /** Never fsync; the operating system writes back when it likes (typically within 30 s). */
    NONE
}
