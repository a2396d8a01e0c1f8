package io.pairdb.storage.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers calls so that every failure reaches the client as a status. grpc-java would turn an
 * exception escaping a handler into UNKNOWN, and one escaping a delayed task into a call that
 * never ends.
 */
public final class Calls {

    private static final Logger log = LoggerFactory.getLogger(Calls.class);

    private Calls() {
    }

    /** Runs {@code action}, which answers the call itself, and answers with its failure if it throws. */
    public static void respond(StreamObserver<?> observer, Runnable action) {
        try {
            action.run();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
        } catch (WritesRefusedException e) {
            observer.onError(Protos.writesRefused(e));
        } catch (RuntimeException e) {
            log.error("storage call failed", e);
            observer.onError(Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
        }
    }

    public static <T> void unary(StreamObserver<T> observer, Supplier<T> handler) {
        respond(observer, () -> send(observer, handler.get()));
    }

    /**
     * Sends a unary response unless the client has gone (deadline or cancel): the work is done
     * either way, as on a real node, but there is no one left to tell.
     */
    public static <T> void send(StreamObserver<T> observer, T response) {
        if (observer instanceof ServerCallStreamObserver<T> call && call.isCancelled()) {
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
