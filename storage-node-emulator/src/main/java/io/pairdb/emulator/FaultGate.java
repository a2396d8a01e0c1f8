package io.pairdb.emulator;

import io.pairdb.storage.server.CallGate;
import io.pairdb.storage.server.CallKind;
import io.pairdb.storage.server.Calls;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Puts the configured faults in front of a storage call. A delayed call waits on a timer, not on
 * a thread, so a slow node costs no handler threads; it then runs on the handler executor.
 * Faults are checked when the call runs, after the delay, as a node that went down while
 * the request was on its way would answer.
 */
final class FaultGate implements CallGate {

    private final FaultHooks faults;
    private final ScheduledExecutorService timer;
    private final Executor handlers;

    FaultGate(FaultHooks faults, ScheduledExecutorService timer, Executor handlers) {
        this.faults = Objects.requireNonNull(faults);
        this.timer = Objects.requireNonNull(timer);
        this.handlers = Objects.requireNonNull(handlers);
    }

    /** A tenant's range deletes wait while the faults hold them (see {@link FaultHooks#holdRangeDeletes}). */
    @Override
    public <T> void unary(CallKind kind, String tenant, StreamObserver<T> observer, Supplier<T> handler) {
        if (kind != CallKind.CLEANUP) {
            unary(kind, observer, handler);
            return;
        }
        faults.rangeDelete(tenant, () -> unary(kind, observer, handler));
    }

    /** Runs {@code action}, which answers the call itself, unless a fault answers it first. */
    @Override
    public void run(CallKind kind, StreamObserver<?> observer, Runnable action) {
        Runnable gated = () -> {
            Optional<Status> failure = faults.failureFor(kind);
            if (failure.isPresent()) {
                observer.onError(failure.get().asRuntimeException());
            } else {
                Calls.respond(observer, action);
            }
        };
        Duration delay = faults.delayFor(kind);
        if (delay.isZero()) {
            gated.run();
        } else {
            Runnable waiting = faults.delayed(() -> handlers.execute(gated));
            timer.schedule(waiting, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
