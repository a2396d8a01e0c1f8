package io.pairdb.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The two things every caller of an asynchronous port needs: a call that throws instead of
 * returning a future counts as a failed future, and a failure is judged by its cause, not by the
 * wrapper a future put around it.
 */
public final class Futures {
    private Futures() {
    }

    /** The call's future, or a failed one if starting the call threw. */
    public static <T> CompletableFuture<T> started(Supplier<? extends CompletableFuture<T>> call) {
        try {
            return Objects.requireNonNull(call.get(), "a port call returned no future");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What a future failed with: the cause inside a {@link CompletionException} or
     * {@link ExecutionException} (as {@code join}, {@code get} and dependent stages wrap it), else
     * the error itself.
     */
    public static Throwable cause(Throwable error) {
        return (error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null
                ? error.getCause() : error;
    }
}
