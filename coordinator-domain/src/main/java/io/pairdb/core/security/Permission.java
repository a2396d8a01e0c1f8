package io.pairdb.core.security;

import io.pairdb.core.tenant.TenantId;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a caller may do, written as operators write it: {@code cluster:admin},
 * {@code cluster:read}, {@code tenant:ID:read}, {@code tenant:ID:write}. The same values say what
 * an RPC needs and what a principal holds (its grants); {@link Grants#allows} relates the two.
 */
public sealed interface Permission {

    /** Every admin call (nodes, RF changes, forced cleanup, hint replay, API keys) and every tenant's data. */
    record ClusterAdmin() implements Permission {
        @Override
        public String toString() {
            return "cluster:admin";
        }
    }

    /** The admin API's read calls: lists, the ring, explain, stats. No tenant's data. */
    record ClusterRead() implements Permission {
        @Override
        public String toString() {
            return "cluster:read";
        }
    }

    /** Reading one tenant's keys. */
    record TenantRead(TenantId tenant) implements Permission {
        public TenantRead {
            Objects.requireNonNull(tenant, "tenant");
        }

        @Override
        public String toString() {
            return "tenant:" + tenant + ":read";
        }
    }

    /** Writing and deleting one tenant's keys (reading them is {@link TenantRead}). */
    record TenantWrite(TenantId tenant) implements Permission {
        public TenantWrite {
            Objects.requireNonNull(tenant, "tenant");
        }

        @Override
        public String toString() {
            return "tenant:" + tenant + ":write";
        }
    }

    Permission CLUSTER_ADMIN = new ClusterAdmin();
    Permission CLUSTER_READ = new ClusterRead();

    /**
     * Parses one grant as operators write it; {@code tenant:ID:read-write} is both tenant permissions.
     *
     * @throws IllegalArgumentException with a message fit for the operator when it is not one
     */
    static Set<Permission> parse(String text) {
        Objects.requireNonNull(text, "permission");
        String value = text.strip();
        switch (value) {
            case "cluster:admin" -> {
                return Set.of(CLUSTER_ADMIN);
            }
            case "cluster:read" -> {
                return Set.of(CLUSTER_READ);
            }
            default -> {
            }
        }
        String[] parts = value.split(":", -1);
        if (parts.length != 3 || !parts[0].equals("tenant")) {
            throw new IllegalArgumentException("'" + text + "' is not a permission: use cluster:admin, cluster:read,"
                    + " tenant:ID:read, tenant:ID:write or tenant:ID:read-write");
        }
        if (!TenantId.isValid(parts[1])) {
            throw new IllegalArgumentException("'" + text + "': the tenant id must be 1-64 characters of letters,"
                    + " digits, '.', '_' or '-'");
        }
        TenantId tenant = new TenantId(parts[1]);
        return switch (parts[2]) {
            case "read" -> Set.of(new TenantRead(tenant));
            case "write" -> Set.of(new TenantWrite(tenant));
            case "read-write" -> Set.of(new TenantRead(tenant), new TenantWrite(tenant));
            default -> throw new IllegalArgumentException("'" + text + "': a tenant permission ends in :read, :write"
                    + " or :read-write");
        };
    }

    /** Parses every grant of the list (see {@link #parse(String)}). */
    static Set<Permission> parseAll(Iterable<String> texts) {
        Set<Permission> all = new LinkedHashSet<>();
        texts.forEach(t -> all.addAll(parse(t)));
        return Set.copyOf(all);
    }
}
