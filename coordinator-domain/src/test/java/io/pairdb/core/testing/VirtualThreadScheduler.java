package io.pairdb.core.testing;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real-time {@link Scheduler} that runs every task on a virtual thread of its own, as the
 * production one does: work that blocks (a slow store) is never queued behind other work, so a
 * test sees how much of it the core starts at once. Close it after each test.
 */
public final class VirtualThreadScheduler implements Scheduler, AutoCloseable {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        var future = timers.schedule(() -> workers.execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        workers.execute(task);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
