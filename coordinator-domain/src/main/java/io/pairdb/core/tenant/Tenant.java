package io.pairdb.core.tenant;

import java.time.Instant;
import java.util.Objects;

/** A tenant and its replication factor; {@code version} increases with every update. */
public record Tenant(TenantId id, int replicationFactor, Instant createdAt, Instant updatedAt, long version) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
    }

    public Tenant withReplicationFactor(int rf, Instant now) {
        return new Tenant(id, rf, createdAt, now, version + 1);
    }
}
