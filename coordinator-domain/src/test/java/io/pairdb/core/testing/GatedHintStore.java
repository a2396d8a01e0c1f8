package io.pairdb.core.testing;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hint store that is slow, not broken: while the gate is closed every {@link #store} waits for it
 * to open (at most a minute), then stores into the wrapped store. Counts how many stores run at
 * once, the most there ever were, and how many have started.
 */
public final class GatedHintStore implements HintStore {
    private final HintStore delegate;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();

    public GatedHintStore(HintStore delegate) {
        this.delegate = delegate;
    }

    public GatedHintStore closed() {
        gate = new CountDownLatch(1);
        return this;
    }

    public void open() {
        gate.countDown();
    }

    public int started() {
        return started.get();
    }

    public int mostRunningAtOnce() {
        return mostRunning.get();
    }

    @Override
    public void store(Hint hint) {
        started.incrementAndGet();
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            if (!gate.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never opened the hint store's gate");
            }
            delegate.store(hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hint store was held", e);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public List<Hint> pending(NodeId target, int limit) {
        return delegate.pending(target, limit);
    }

    @Override
    public void delete(long hintId) {
        delegate.delete(hintId);
    }

    @Override
    public void delete(Collection<Long> hintIds) {
        delegate.delete(hintIds);
    }

    @Override
    public long count(NodeId target) {
        return delegate.count(target);
    }

    @Override
    public List<Hint> claim(NodeId target, int limit, String owner, Duration lease) {
        return delegate.claim(target, limit, owner, lease);
    }

    @Override
    public List<Hint> recordFailure(Collection<Long> hintIds, String owner) {
        return delegate.recordFailure(hintIds, owner);
    }

    @Override
    public void release(Collection<Long> hintIds, String owner) {
        delegate.release(hintIds, owner);
    }

    @Override
    public Map<NodeId, Long> expire(Instant cutoff, int limit) {
        return delegate.expire(cutoff, limit);
    }

    @Override
    public List<PendingHints> stats() {
        return delegate.stats();
    }
}
