package io.pairdb.core.testing;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on a {@link ManualClock} that runs nothing by itself: a test runs the due
 * tasks one at a time ({@link #runOne}), so it can stop a protocol between two steps, as if the
 * process had died there. {@link #execute} queues the task as due now.
 */
public final class SteppedScheduler implements Scheduler {
    private record Task(long dueMillis, long sequence, Runnable task, boolean[] cancelled) {
    }

    private final ManualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::dueMillis).thenComparingLong(Task::sequence));
    private long sequence;

    public SteppedScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.nowMillis() + Math.max(0, delay.toMillis()), sequence++, task, cancelled));
        return () -> {
            synchronized (SteppedScheduler.this) {
                cancelled[0] = true;
            }
        };
    }

    @Override
    public void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }

    /** Runs the earliest task that is due by the clock; false when none is. */
    public boolean runOne() {
        Task next;
        synchronized (this) {
            while (!tasks.isEmpty() && tasks.peek().cancelled()[0]) {
                tasks.poll();
            }
            if (tasks.isEmpty() || tasks.peek().dueMillis() > clock.nowMillis()) {
                return false;
            }
            next = tasks.poll();
        }
        next.task().run();
        return true;
    }

    /** Forgets every task, as a process that died would. */
    public synchronized void kill() {
        tasks.clear();
    }
}
