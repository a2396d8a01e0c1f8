package io.pairdb.storage.server;

/** Which faults apply to a storage RPC. */
public enum CallKind {
    /** Read, RangeDigest. */
    QUERY,
    /** Write, Delete, Repair, WriteBatch: the calls {@code fail_next_writes} counts down on. */
    WRITE,
    /** DeleteRange. */
    CLEANUP,
    /** StreamRange. */
    STREAM,
    /** Health: answers UNAVAILABLE when the node is unavailable, and is never delayed. */
    HEALTH;

    public boolean delayed() {
        return this != HEALTH;
    }
}
