package io.pairdb.simulation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The futures of the simulated ports. Completing one is an event like any other; a caller that
 * blocks on one (the core does, in a few background steps) waits on virtual time as a fiber of the
 * {@link Kernel} while the rest of the cluster goes on. Futures derived from one (thenApply, the
 * core's {@code Timeouts.bound}, ...) are of this kind too.
 */
final class SimFuture<T> extends CompletableFuture<T> {
    private final Kernel kernel;

    SimFuture(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new SimFuture<>(kernel);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            kernel.await(this, -1);
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            kernel.await(this, kernel.now() + unit.toMicros(timeout));
        }
        if (!isDone()) {
            throw new TimeoutException("no answer within " + timeout + " " + unit + " of simulated time");
        }
        return super.get();
    }

    @Override
    public T join() {
        if (!isDone()) {
            kernel.await(this, -1);
        }
        return super.join();
    }
}
