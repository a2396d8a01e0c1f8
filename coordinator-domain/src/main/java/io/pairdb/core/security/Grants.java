package io.pairdb.core.security;

import io.pairdb.core.tenant.TenantId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The permissions a principal holds. {@code cluster:admin} holds every permission (as
 * Cassandra's superuser and etcd's root do); {@code cluster:read} holds only itself, so a
 * monitoring credential never reads tenant data; a tenant permission holds only itself.
 */
public record Grants(Set<Permission> permissions) {
    public static final Grants NONE = new Grants(Set.of());

    public Grants {
        permissions = Set.copyOf(Objects.requireNonNull(permissions, "permissions"));
    }

    public static Grants of(Permission... permissions) {
        return new Grants(Set.of(permissions));
    }

    public boolean allows(Permission needed) {
        Objects.requireNonNull(needed, "needed");
        return permissions.contains(Permission.CLUSTER_ADMIN) || permissions.contains(needed);
    }

    /** Whether the holder may see that the tenant exists: any grant on it, or a cluster-wide one. */
    public boolean sees(TenantId tenant) {
        return allows(Permission.CLUSTER_READ) || allows(new Permission.TenantRead(tenant))
                || allows(new Permission.TenantWrite(tenant));
    }

    public Grants plus(Set<Permission> more) {
        return new Grants(union(permissions, more));
    }

    public Grants minus(Set<Permission> less) {
        return new Grants(permissions.stream().filter(p -> !less.contains(p)).collect(Collectors.toSet()));
    }

    /** The permissions as operators write them, sorted. */
    public List<String> names() {
        return permissions.stream().map(Permission::toString).sorted(Comparator.naturalOrder()).toList();
    }

    @Override
    public String toString() {
        return names().isEmpty() ? "(none)" : String.join(" ", names());
    }

    private static Set<Permission> union(Set<Permission> a, Set<Permission> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
