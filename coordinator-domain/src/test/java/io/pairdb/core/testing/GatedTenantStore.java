package io.pairdb.core.testing;

import io.pairdb.core.port.TenantStore;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tenant store in memory that counts its lookups and can be made slow, not broken: while the
 * gate is closed every {@link #find} waits for it to open (at most a minute, so a test that
 * forgets to open it still ends). Inserts and updates are never held.
 */
public final class GatedTenantStore implements TenantStore {
    private final InMemoryTenantStore delegate;

    /** Tenants whose creation moves the epoch of {@code ring}, as in PostgreSQL's one transaction. */
    public GatedTenantStore(InMemoryTopologyStore ring) {
        this.delegate = new InMemoryTenantStore(ring);
    }
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean holdAfterReading;
    private final AtomicInteger finds = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    /** From now on lookups wait until {@link #open()}. */
    public void close() {
        gate = new CountDownLatch(1);
    }

    /**
     * From now on lookups read the tenant, then wait until {@link #open()} to answer with what they
     * read: a store that was slow to deliver an answer while the tenant changed.
     */
    public void closeAfterReading() {
        holdAfterReading = true;
        close();
    }

    public void open() {
        gate.countDown();
    }

    /** Lookups that reached the store. */
    public int finds() {
        return finds.get();
    }

    /** Lookups waiting at the closed gate now. */
    public int waiting() {
        return waiting.get();
    }

    @Override
    public InsertOutcome insert(Tenant tenant) {
        return delegate.insert(tenant);
    }

    @Override
    public InsertOutcome insertAt(Tenant tenant, long ringEpoch) {
        return delegate.insertAt(tenant, ringEpoch);
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        finds.incrementAndGet();
        Optional<Tenant> read = holdAfterReading ? delegate.find(id) : Optional.empty();
        waiting.incrementAndGet();
        try {
            if (!gate.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never opened the tenant store's gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the tenant store was held", e);
        } finally {
            waiting.decrementAndGet();
        }
        return holdAfterReading ? read : delegate.find(id);
    }

    @Override
    public List<Tenant> list() {
        return delegate.list();
    }

    @Override
    public Optional<Tenant> update(Tenant updated, long expectedVersion) {
        return delegate.update(updated, expectedVersion);
    }

    @Override
    public Optional<Tenant> updateAndBumpEpoch(Tenant updated, long expectedVersion) {
        return delegate.updateAndBumpEpoch(updated, expectedVersion);
    }
}
