package io.pairdb.storage.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A node's periodic work (the tombstone sweep, the disk check, the periodic WAL sync), each task on
 * a thread of its own: a sweep with a large backlog runs for minutes, and must not hold up the WAL
 * sync that bounds what a power loss can take under {@link SyncPolicy#PERIODIC}. A task that throws
 * is reported and runs again at its next turn.
 */
final class BackgroundTasks {
    private final String threadPrefix;
    private final BiConsumer<String, RuntimeException> onFailure;
    private final List<ScheduledExecutorService> threads = new ArrayList<>();

    /**
     * @param threadPrefix the start of each task's thread name, the task's name follows
     * @param onFailure    told the task's name and what it threw
     */
    BackgroundTasks(String threadPrefix, BiConsumer<String, RuntimeException> onFailure) {
        this.threadPrefix = threadPrefix;
        this.onFailure = onFailure;
    }

    /** Runs {@code task} every {@code interval}, the first time one interval from now. */
    synchronized void every(Duration interval, String name, Runnable task) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(threadPrefix + name.replace(' ', '-')).daemon(true).factory());
        threads.add(thread);
        // An exception escaping a periodic task would silently cancel every later run.
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                onFailure.accept(name, e);
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs no task again and waits up to {@code grace} for the runs under way to end.
     *
     * @return whether every task had ended by then
     */
    synchronized boolean stop(Duration grace) throws InterruptedException {
        threads.forEach(ScheduledExecutorService::shutdown);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean ended = true;
        for (ScheduledExecutorService thread : threads) {
            ended &= thread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return ended;
    }
}
