package io.pairdb.core.cleanup;

/**
 * What cleanups do on this coordinator, for logs and metrics. Called on the cleaning thread:
 * implementations must be quick and must not throw.
 */
public interface CleanupEvents {
    /** The range's outcome as recorded after an attempt. */
    default void attempted(RangeCleanup range, CleanupOutcome outcome) {
    }

    /** The cleanup of the change was forced. */
    default void forced(ChangeCleanup cleanup, CleanupOrder order) {
    }

    CleanupEvents NONE = new CleanupEvents() {
    };
}
