package io.pairdb.core.cleanup;

/**
 * What cleanups do on this coordinator, for logs and metrics. Called on the cleaning thread:
 * implementations must be quick and must not throw.
 */
public interface CleanupEvents {
    /** The range's outcome as recorded after an attempt. */
    void attempted(RangeCleanup range, CleanupOutcome outcome);

    /** The cleanup of the change was forced. */
    void forced(ChangeCleanup cleanup, CleanupOrder order);

    /** Reports nothing. */
    CleanupEvents NONE = new CleanupEvents() {
        @Override
        public void attempted(RangeCleanup range, CleanupOutcome outcome) {
        }

        @Override
        public void forced(ChangeCleanup cleanup, CleanupOrder order) {
        }
    };
}
