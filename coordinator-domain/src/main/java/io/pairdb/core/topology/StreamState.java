package io.pairdb.core.topology;

/** Where one range stream of a change stands. */
public enum StreamState {
    /** Nothing copied yet. */
    PENDING,
    /** Some batches copied; resumes after {@link RangeStream#after()}. */
    STREAMING,
    /** The whole range was copied. */
    DONE
}
