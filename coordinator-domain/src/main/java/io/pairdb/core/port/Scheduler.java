package io.pairdb.core.port;

import java.time.Duration;

/**
 * Runs work later or elsewhere. The core never starts threads itself; a simulation
 * implements this with a virtual clock. Thread-safe.
 */
public interface Scheduler {
    /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run. */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} once after {@code delay}, on time however loaded the process is: for
     * deadlines, which must end a request when its time is up even while every worker is busy.
     * The task must be short and must not block (it completes futures, counts a metric); blocking
     * or long work goes through {@link #schedule} or {@link #execute}. The default is
     * {@link #schedule}, which suffices where time is simulated.
     */
    default Cancellable scheduleDeadline(Duration delay, Runnable task) {
        return schedule(delay, task);
    }

    /** Runs {@code task} soon, off the caller's thread. */
    void execute(Runnable task);

    interface Cancellable {
        void cancel();
    }
}
