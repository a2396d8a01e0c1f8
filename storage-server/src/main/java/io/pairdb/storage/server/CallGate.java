package io.pairdb.storage.server;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * What stands between a storage call and its handler: nothing on a real node; the fault hooks
 * (delays, failures) on the emulator. Every failure reaches the client as a status.
 */
public interface CallGate {

    /** Runs {@code action}, which answers the call itself. */
    void run(CallKind kind, StreamObserver<?> observer, Runnable action);

    /** Answers a unary call with what {@code handler} returns. */
    default <T> void unary(CallKind kind, StreamObserver<T> observer, Supplier<T> handler) {
        run(kind, observer, () -> Calls.send(observer, handler.get()));
    }

    /**
     * Like {@link #unary(CallKind, StreamObserver, Supplier)} for a call about one tenant's data
     * (empty: every tenant), so a gate can treat it by tenant (the emulator holds a tenant's range
     * deletes back on request).
     */
    default <T> void unary(CallKind kind, String tenant, StreamObserver<T> observer, Supplier<T> handler) {
        unary(kind, observer, handler);
    }

    /** Runs every call at once, on the thread that received it. */
    static CallGate direct() {
        return (kind, observer, action) -> Calls.respond(observer, action);
    }
}
