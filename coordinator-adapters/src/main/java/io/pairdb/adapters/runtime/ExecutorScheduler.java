package io.pairdb.adapters.runtime;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link Scheduler}: one timer thread for deadlines (cancelled timers are
 * removed at once, since nearly every request cancels its own) and virtual threads for
 * background work such as storing hints, which blocks on JDBC.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor timers;
    private final ExecutorService workers;

    public ExecutorScheduler() {
        AtomicInteger n = new AtomicInteger();
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pairdb-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timers.setRemoveOnCancelPolicy(true);
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pairdb-worker-", 0).factory());
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        var future = timers.schedule(() -> workers.execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        workers.execute(task);
    }

    /** Stops taking work and waits up to {@code grace} for background tasks (pending hints) to finish. */
    public void shutdown(Duration grace) throws InterruptedException {
        timers.shutdownNow();
        workers.shutdown();
        workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
