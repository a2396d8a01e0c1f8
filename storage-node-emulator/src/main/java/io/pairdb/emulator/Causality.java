package io.pairdb.emulator;

/** How one vector clock relates to another (DESIGN.md §5). */
public enum Causality {
    IDENTICAL,
    /** This clock happened before the other one: the other dominates. */
    BEFORE,
    /** This clock happened after the other one: it dominates. */
    AFTER,
    CONCURRENT
}
