package io.pairdb.adapters.runtime;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link Scheduler}: one timer thread (cancelled timers are removed at once,
 * since nearly every request cancels its own), virtual threads for background work such as
 * storing hints, which blocks on JDBC, and a few platform threads for deadlines.
 *
 * <p>Deadlines do not run on virtual threads: a virtual thread only gets a carrier when one
 * yields, so while the carriers are busy (an overloaded coordinator) a deadline handed to one
 * ran seconds late and requests outlived their deadlines by as much. Platform threads get their
 * share of the CPU from the operating system however busy the carriers are.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor timers;
    private final ExecutorService workers;
    private final ExecutorService deadlines;

    public ExecutorScheduler() {
        AtomicInteger n = new AtomicInteger();
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pairdb-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timers.setRemoveOnCancelPolicy(true);
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pairdb-worker-", 0).factory());
        this.deadlines = Executors.newFixedThreadPool(DEADLINE_THREADS,
                Thread.ofPlatform().name("pairdb-deadline-", 0).daemon(true).factory());
    }

    /**
     * Deadline tasks are short and do not block (the port's contract), so a few threads suffice
     * for a burst of them; more than one so that one slow continuation does not hold up the rest.
     */
    static final int DEADLINE_THREADS = 4;

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        var future = timers.schedule(() -> workers.execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Cancellable scheduleDeadline(Duration delay, Runnable task) {
        var future = timers.schedule(() -> deadlines.execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        workers.execute(task);
    }

    /** Stops taking work and waits up to {@code grace} for background tasks (pending hints) to finish. */
    public void shutdown(Duration grace) throws InterruptedException {
        timers.shutdownNow();
        deadlines.shutdown();
        workers.shutdown();
        workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        deadlines.shutdownNow();
        workers.shutdownNow();
    }
}
