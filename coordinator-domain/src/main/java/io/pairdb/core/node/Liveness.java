package io.pairdb.core.node;

/** Whether a storage node answers, as last observed. */
public enum Liveness {
    UP,
    DOWN
}
