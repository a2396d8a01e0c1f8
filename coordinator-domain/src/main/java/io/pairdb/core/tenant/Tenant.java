package io.pairdb.core.tenant;

import io.pairdb.core.replication.SpeculationPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant and its replication factor; {@code version} increases with every update. While a
 * change of the RF runs, {@code pendingReplicationFactor} holds the RF it is moving to. A raise
 * streams the tenant's data to its new replicas: writes already go to the replicas of the higher
 * RF (as pending replicas), reads still use {@code replicationFactor}. A lowering keeps reads and
 * writes on {@code replicationFactor}'s replicas, and a quorum write also waits for a quorum of
 * the replicas kept ({@link #lowering()}), so nothing acknowledged is missing there when the
 * lower RF applies. {@code speculation}, when set, is when the
 * read before one of its writes asks a spare replica, instead of the coordinator's default.
 * {@code quota} is what the tenant may send to the cluster per second ({@link TenantQuota#UNLIMITED}
 * by default).
 */
public record Tenant(TenantId id, int replicationFactor, Optional<Integer> pendingReplicationFactor, Instant createdAt,
                     Instant updatedAt, long version, Optional<SpeculationPolicy> speculation, TenantQuota quota) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(speculation, "speculation");
        Objects.requireNonNull(pendingReplicationFactor, "pendingReplicationFactor");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        if (pendingReplicationFactor.isPresent()
                && (pendingReplicationFactor.get() == replicationFactor || pendingReplicationFactor.get() < 1)) {
            throw new IllegalArgumentException("a pending replication factor raises or lowers it: " + replicationFactor
                    + " -> " + pendingReplicationFactor.get());
        }
    }

    /** A tenant without a quota. */
    public Tenant(TenantId id, int replicationFactor, Optional<Integer> pendingReplicationFactor, Instant createdAt,
                  Instant updatedAt, long version, Optional<SpeculationPolicy> speculation) {
        this(id, replicationFactor, pendingReplicationFactor, createdAt, updatedAt, version, speculation,
                TenantQuota.UNLIMITED);
    }

    /** A tenant with the coordinator's default speculation. */
    public Tenant(TenantId id, int replicationFactor, Optional<Integer> pendingReplicationFactor, Instant createdAt,
                  Instant updatedAt, long version) {
        this(id, replicationFactor, pendingReplicationFactor, createdAt, updatedAt, version, Optional.empty());
    }

    /** A tenant with no change of RF under way. */
    public Tenant(TenantId id, int replicationFactor, Instant createdAt, Instant updatedAt, long version) {
        this(id, replicationFactor, Optional.empty(), createdAt, updatedAt, version);
    }

    public Tenant withReplicationFactor(int rf, Instant now) {
        return new Tenant(id, rf, Optional.empty(), createdAt, now, version + 1, speculation, quota);
    }

    /** The tenant while its RF is being raised to {@code rf}. */
    public Tenant raisingTo(int rf, Instant now) {
        return new Tenant(id, replicationFactor, Optional.of(rf), createdAt, now, version + 1, speculation, quota);
    }

    /** The tenant while its RF is being lowered to {@code rf}. */
    public Tenant loweringTo(int rf, Instant now) {
        return new Tenant(id, replicationFactor, Optional.of(rf), createdAt, now, version + 1, speculation, quota);
    }

    /** The RF a change under way lowers the tenant's to, if one does. */
    public Optional<Integer> lowering() {
        return pendingReplicationFactor.filter(rf -> rf < replicationFactor);
    }

    /** The tenant with its own speculation policy, or (empty) the coordinator's default again. */
    public Tenant withSpeculation(Optional<SpeculationPolicy> policy, Instant now) {
        return new Tenant(id, replicationFactor, pendingReplicationFactor, createdAt, now, version + 1, policy, quota);
    }

    /** The tenant with another quota ({@link TenantQuota#UNLIMITED}: none). */
    public Tenant withQuota(TenantQuota newQuota, Instant now) {
        return new Tenant(id, replicationFactor, pendingReplicationFactor, createdAt, now, version + 1, speculation,
                newQuota);
    }

    /** The largest RF writes use: the pending one while it is being raised. */
    public int writeReplicationFactor() {
        return Math.max(replicationFactor, pendingReplicationFactor.orElse(replicationFactor));
    }
}
