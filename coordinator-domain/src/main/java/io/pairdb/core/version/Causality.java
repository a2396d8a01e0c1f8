package io.pairdb.core.version;

/** How one vector clock relates to another. */
public enum Causality {
    /** The same clock. */
    EQUAL,
    /** This clock happened before the other (the other dominates). */
    BEFORE,
    /** This clock happened after the other (this one dominates). */
    AFTER,
    /** Neither dominates: the versions conflict. */
    CONCURRENT
}
