package io.pairdb.core.topology;

import io.pairdb.core.tenant.TenantId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Whose data a range stream copies. A stream moves a range for some replication factors; when
 * those are all the factors in use it copies every tenant, otherwise only the tenants with those
 * factors (a node that becomes an RF-3 replica of a range is not an RF-1 replica of it).
 */
public sealed interface TenantFilter {
    record AllTenants() implements TenantFilter {
    }

    /** These tenants only, scanned one after another in id order. */
    record Only(List<TenantId> tenants) implements TenantFilter {
        public Only {
            Objects.requireNonNull(tenants, "tenants");
            tenants = tenants.stream().distinct().sorted(Comparator.comparing(TenantId::value)).toList();
            if (tenants.isEmpty()) {
                throw new IllegalArgumentException("a tenant filter names at least one tenant");
            }
        }
    }

    TenantFilter ALL = new AllTenants();

    /** Whether some tenant passes both filters (every tenant passes {@link #ALL}). */
    default boolean meets(TenantFilter other) {
        if (this instanceof Only mine && other instanceof Only theirs) {
            return mine.tenants().stream().anyMatch(theirs.tenants()::contains);
        }
        return true;
    }
}
