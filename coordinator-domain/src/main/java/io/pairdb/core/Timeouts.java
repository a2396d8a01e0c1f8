package io.pairdb.core;

import io.pairdb.core.port.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds a port call by a deadline of the core's own. Ports promise to fail at their timeout;
 * a step that must not wait forever (one stuck call would stall every later replay or probe of
 * a node) does not rely on that promise alone.
 */
public final class Timeouts {
    private Timeouts() {
    }

    /**
     * A future that completes as {@code call} does, or fails with {@code onTimeout}'s exception
     * once {@code timeout} has passed on the scheduler, whichever comes first. It is of the call's
     * own kind ({@link CompletableFuture#newIncompleteFuture}), so a port whose futures wait in their
     * own way (a simulation's, on virtual time) is waited on that way through the bound too.
     */
    public static <T> CompletableFuture<T> bound(Scheduler scheduler, CompletableFuture<T> call, Duration timeout,
                                                 Supplier<? extends RuntimeException> onTimeout) {
        Objects.requireNonNull(call, "call");
        CompletableFuture<T> bounded = call.newIncompleteFuture();
        Scheduler.Cancellable timer = scheduler.scheduleDeadline(timeout, () -> bounded.completeExceptionally(onTimeout.get()));
        call.whenComplete((value, error) -> {
            timer.cancel();
            if (error != null) {
                bounded.completeExceptionally(error);
            } else {
                bounded.complete(value);
            }
        });
        return bounded;
    }
}
