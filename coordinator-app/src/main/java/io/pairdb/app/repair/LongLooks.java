package io.pairdb.app.repair;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs periodic work that may take hours (a repair) on a daemon thread of its own rather than on the
 * scheduler's, which other tasks share: one look at a time, and only while the coordinator serves
 * requests. Thread-safe.
 */
final class LongLooks {
    private final AtomicBoolean serving = new AtomicBoolean();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final ExecutorService worker;

    LongLooks(String threadName) {
        worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
    }

    /** From the server's start until its shutdown begins. */
    void serving(boolean serving) {
        this.serving.set(serving);
    }

    /** Starts {@code look} on the worker, unless the previous one is still running or nothing is served. */
    void offer(Runnable look) {
        if (!serving.get() || !busy.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    look.run();
                } finally {
                    busy.set(false);
                }
            });
        } catch (RuntimeException e) {
            busy.set(false);
            throw e;
        }
    }

    /** No new look starts; one running goes on until its work sees the stop. */
    void close() {
        serving.set(false);
        worker.shutdown();
    }
}
