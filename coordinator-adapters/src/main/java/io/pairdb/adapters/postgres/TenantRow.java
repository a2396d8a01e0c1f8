package io.pairdb.adapters.postgres;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/** A row of {@code tenants}, as Micronaut Data maps it. */
@MappedEntity("tenants")
public record TenantRow(@Id String tenantId, int replicationFactor, @Nullable Integer pendingReplicationFactor,
                        Instant createdAt, Instant updatedAt, long version,
                        @Nullable String speculation, long opsPerSecond, long bytesPerSecond) {
}
