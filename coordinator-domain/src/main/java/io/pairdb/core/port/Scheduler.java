package io.pairdb.core.port;

import java.time.Duration;

/**
 * Runs work later or elsewhere. The core never starts threads itself; a simulation
 * implements this with a virtual clock. Thread-safe.
 */
public interface Scheduler {
    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs {@code task} soon, off the caller's thread. */
    void execute(Runnable task);

    interface Cancellable {
        void cancel();
    }
}
