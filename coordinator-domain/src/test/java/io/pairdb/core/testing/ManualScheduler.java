package io.pairdb.core.testing;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on a {@link ManualClock}: {@link #execute} runs the task at once on the
 * caller's thread, and delayed tasks run when a test {@link #advance advances} time past them,
 * in order. Deterministic: nothing runs on another thread.
 */
public final class ManualScheduler implements Scheduler {
    private record Timer(long dueMillis, long sequence, Runnable task, boolean[] cancelled) {
    }

    private final ManualClock clock;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::dueMillis).thenComparingLong(Timer::sequence));
    private long sequence;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timer(clock.nowMillis() + Math.max(0, delay.toMillis()), sequence++, task, cancelled));
        return () -> {
            synchronized (ManualScheduler.this) {
                cancelled[0] = true;
            }
        };
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    /** Moves the clock forward, running every task that falls due on the way at its due time. */
    public void advance(Duration by) {
        long until = clock.nowMillis() + by.toMillis();
        while (true) {
            Optional<Timer> due = nextDue(until);
            if (due.isEmpty()) {
                break;
            }
            clock.set(Math.max(clock.nowMillis(), due.get().dueMillis()));
            due.get().task().run();
        }
        clock.set(until);
    }

    /** Delayed tasks not yet run or cancelled. */
    public synchronized int pendingTimers() {
        return (int) timers.stream().filter(t -> !t.cancelled()[0]).count();
    }

    /** Runs the tasks due now (e.g. zero-delay timers). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    private synchronized Optional<Timer> nextDue(long until) {
        while (!timers.isEmpty()) {
            Timer next = timers.peek();
            if (next.cancelled()[0]) {
                timers.poll();
                continue;
            }
            if (next.dueMillis() > until) {
                return Optional.empty();
            }
            return Optional.of(timers.poll());
        }
        return Optional.empty();
    }
}
