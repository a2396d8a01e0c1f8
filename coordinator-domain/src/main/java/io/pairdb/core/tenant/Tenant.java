package io.pairdb.core.tenant;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant and its replication factor; {@code version} increases with every update. While a
 * change raising the RF streams the tenant's data to its new replicas, {@code pendingReplicationFactor}
 * holds the RF it is moving to: writes already go to the replicas of that RF (as pending
 * replicas), reads still use {@code replicationFactor}.
 */
public record Tenant(TenantId id, int replicationFactor, Optional<Integer> pendingReplicationFactor, Instant createdAt,
                     Instant updatedAt, long version) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pendingReplicationFactor, "pendingReplicationFactor");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        if (pendingReplicationFactor.isPresent() && pendingReplicationFactor.get() <= replicationFactor) {
            throw new IllegalArgumentException("a pending replication factor raises it: " + replicationFactor + " -> "
                    + pendingReplicationFactor.get());
        }
    }

    /** A tenant with no change of RF under way. */
    public Tenant(TenantId id, int replicationFactor, Instant createdAt, Instant updatedAt, long version) {
        this(id, replicationFactor, Optional.empty(), createdAt, updatedAt, version);
    }

    public Tenant withReplicationFactor(int rf, Instant now) {
        return new Tenant(id, rf, Optional.empty(), createdAt, now, version + 1);
    }

    /** The tenant while its RF is being raised to {@code rf}. */
    public Tenant raisingTo(int rf, Instant now) {
        return new Tenant(id, replicationFactor, Optional.of(rf), createdAt, now, version + 1);
    }

    /** The largest RF writes use: the pending one while it is being raised. */
    public int writeReplicationFactor() {
        return pendingReplicationFactor.orElse(replicationFactor);
    }
}
