package io.pairdb.core.testing;

import io.pairdb.core.port.TenantStore;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryTenantStore implements TenantStore {
    private final ConcurrentHashMap<TenantId, Tenant> tenants = new ConcurrentHashMap<>();

    @Override
    public InsertOutcome insert(Tenant tenant) {
        return tenants.putIfAbsent(tenant.id(), tenant) == null ? InsertOutcome.INSERTED : InsertOutcome.ALREADY_EXISTS;
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public List<Tenant> list() {
        return tenants.values().stream().sorted(Comparator.comparing(t -> t.id().value())).toList();
    }

    @Override
    public Optional<Tenant> update(Tenant updated, long expectedVersion) {
        return Optional.ofNullable(tenants.computeIfPresent(updated.id(),
                (id, current) -> current.version() == expectedVersion ? updated : current));
    }
}
