package io.pairdb.core.replication;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.replication.RequestEvents.HintStoreFailure;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores hints for missed replica writes off the request's thread (the store blocks on the
 * database), at most {@link CoordinatorSettings#maxHintStoresInFlight()} at once: each holds a
 * whole version, up to a value's size, so a slow database must not make them pile up without a
 * bound. One beyond the bound is refused at once. Every hint is counted exactly once: stored, or
 * failed with its reason (an error, refused, or not stored by the deadline its request waits
 * until, even if it lands later). Thread-safe; one per coordinator.
 */
public final class StoreHints {
    private final HintStore store;
    private final Environment env;
    private final AtomicInteger running = new AtomicInteger();
    /** Write rounds with a replica call still out: each may yet need a hint. */
    private final AtomicInteger openRounds = new AtomicInteger();
    /** Completed once nothing runs or may yet need a hint ({@link #idle}). Guarded by {@code this}. */
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();

    public StoreHints(HintStore store, Environment env) {
        this.store = Objects.requireNonNull(store, "store");
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Stores the hint in the background. The future completes (never exceptionally) when the hint
     * is stored or failed, at once when it is refused, and at the latest at {@code waitUntil}, so a
     * request that waits for it never waits past its deadline.
     */
    public CompletableFuture<Void> store(Hint hint, Optional<Deadline> waitUntil) {
        if (running.incrementAndGet() > env.settings().maxHintStoresInFlight()) {
            running.decrementAndGet();
            env.events().hintStoreFailed(HintStoreFailure.OVERLOADED);
            return CompletableFuture.completedFuture(null);
        }
        AtomicBoolean counted = new AtomicBoolean();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        Scheduler.Cancellable timer = waitUntil.<Scheduler.Cancellable>map(deadline ->
                env.scheduler().scheduleDeadline(deadline.remaining(env.clock()), () -> {
                    if (counted.compareAndSet(false, true)) {
                        env.events().hintStoreFailed(HintStoreFailure.DEADLINE);
                    }
                    settled.complete(null);
                })).orElse(() -> { });
        try {
            env.scheduler().execute(() -> {
                try {
                    store.store(hint);
                    if (counted.compareAndSet(false, true)) {
                        env.events().hintStored();
                    }
                } catch (RuntimeException e) {
                    if (counted.compareAndSet(false, true)) {
                        env.events().hintStoreFailed(HintStoreFailure.ERROR);
                    }
                } finally {
                    running.decrementAndGet();
                    timer.cancel();
                    settled.complete(null);
                    signalIfIdle();
                }
            });
        } catch (RuntimeException notStarted) {
            // the scheduler refused the task (it is shutting down): the hint is not stored
            running.decrementAndGet();
            timer.cancel();
            if (counted.compareAndSet(false, true)) {
                env.events().hintStoreFailed(HintStoreFailure.ERROR);
            }
            settled.complete(null);
        }
        return settled;
    }

    /** A write round sends its replica calls: until {@link #roundClosed}, it may yet store hints. */
    void roundOpened() {
        openRounds.incrementAndGet();
    }

    /** Every replica call of a round has answered or been given up on (and hinted, if it failed). */
    void roundClosed() {
        openRounds.decrementAndGet();
        signalIfIdle();
    }

    /**
     * Completes once no write round has a replica call out and no hint store runs: every replica
     * write sent so far has answered, or its hint was stored or failed. A coordinator stopping waits
     * for it (bounded) before it stops running background work, or a call that fails late loses its
     * hint. Writes that start meanwhile delay it.
     */
    public CompletableFuture<Void> idle() {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        synchronized (this) {
            idleWaiters.add(idle);
        }
        signalIfIdle();
        return idle;
    }

    private void signalIfIdle() {
        List<CompletableFuture<Void>> ready;
        synchronized (this) {
            if (idleWaiters.isEmpty() || openRounds.get() > 0 || running.get() > 0) {
                return;
            }
            ready = List.copyOf(idleWaiters);
            idleWaiters.clear();
        }
        ready.forEach(f -> f.complete(null));
    }
}
