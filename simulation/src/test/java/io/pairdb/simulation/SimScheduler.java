package io.pairdb.simulation;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;

/**
 * A coordinator process's {@link Scheduler}: its tasks are the kernel's events, owned by the
 * process, so they stop when it dies. {@link #execute} runs the task as the next event at the
 * current time, never on the caller's stack.
 */
final class SimScheduler implements Scheduler {
    private final Kernel kernel;
    private final Kernel.Owner owner;

    SimScheduler(Kernel kernel, Kernel.Owner owner) {
        this.kernel = kernel;
        this.owner = owner;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Kernel.Event event = kernel.after(delay, owner, "timer", task);
        return event::cancel;
    }

    @Override
    public void execute(Runnable task) {
        kernel.after(0, owner, "task", task);
    }
}
