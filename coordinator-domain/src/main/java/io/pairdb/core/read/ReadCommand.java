package io.pairdb.core.read;

import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

public record ReadCommand(TenantId tenant, String key, ConsistencyLevel consistency, Optional<Duration> clientDeadline) {
    public ReadCommand {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(clientDeadline, "clientDeadline");
    }

    public static ReadCommand of(TenantId tenant, String key, ConsistencyLevel consistency) {
        return new ReadCommand(tenant, key, consistency, Optional.empty());
    }
}
