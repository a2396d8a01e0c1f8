package io.pairdb.core.testing;

import io.pairdb.core.port.TenantStore;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** Tenants in memory; creating one bumps the epoch of the ring store given, as in one PostgreSQL transaction. */
public final class InMemoryTenantStore implements TenantStore {
    private final ConcurrentHashMap<TenantId, Tenant> tenants = new ConcurrentHashMap<>();
    private final InMemoryTopologyStore ring;
    private final AtomicReference<Runnable> afterNextList = new AtomicReference<>();

    public InMemoryTenantStore(InMemoryTopologyStore ring) {
        this.ring = ring;
    }

    /**
     * With a ring of its own: for tests that do not look at the epoch. {@code TenantService} creates
     * tenants only at the epoch of the ring it serves, so tests creating tenants through it share it.
     */
    public InMemoryTenantStore() {
        this(new InMemoryTopologyStore());
    }

    private final AtomicReference<Runnable> beforeNextInsert = new AtomicReference<>();

    /** Runs {@code action} once, right before the next insert: what another coordinator did meanwhile. */
    public void beforeNextInsert(Runnable action) {
        beforeNextInsert.set(action);
    }

    /** Runs {@code action} once, right after the next {@link #list()} has read the tenants. */
    public void afterNextList(Runnable action) {
        afterNextList.set(action);
    }

    @Override
    public InsertOutcome insert(Tenant tenant) {
        Optional.ofNullable(beforeNextInsert.getAndSet(null)).ifPresent(Runnable::run);
        synchronized (ring) {
            return insertLocked(tenant);
        }
    }

    @Override
    public InsertOutcome insertAt(Tenant tenant, long ringEpoch) {
        Optional.ofNullable(beforeNextInsert.getAndSet(null)).ifPresent(Runnable::run);
        synchronized (ring) {
            if (tenants.containsKey(tenant.id())) {
                return InsertOutcome.ALREADY_EXISTS;
            }
            if (ring.epoch() != ringEpoch) {
                return InsertOutcome.RING_MOVED;
            }
            return insertLocked(tenant);
        }
    }

    private InsertOutcome insertLocked(Tenant tenant) {
        if (tenants.putIfAbsent(tenant.id(), tenant) != null) {
            return InsertOutcome.ALREADY_EXISTS;
        }
        ring.bumpEpoch();
        return InsertOutcome.INSERTED;
    }

    /** The epoch of the ring this store bumps. */
    public long ringEpoch() {
        return ring.epoch();
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public List<Tenant> list() {
        List<Tenant> listed = tenants.values().stream().sorted(Comparator.comparing(t -> t.id().value())).toList();
        Runnable action = afterNextList.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return listed;
    }

    @Override
    public Optional<Tenant> update(Tenant updated, long expectedVersion) {
        return Optional.ofNullable(tenants.computeIfPresent(updated.id(),
                (id, current) -> current.version() == expectedVersion ? updated : current));
    }

    @Override
    public Optional<Tenant> updateAndBumpEpoch(Tenant updated, long expectedVersion) {
        synchronized (ring) {
            Optional<Tenant> stored = update(updated, expectedVersion);
            if (stored.isPresent() && stored.get().equals(updated)) {
                ring.bumpEpoch();
            }
            return stored;
        }
    }
}
