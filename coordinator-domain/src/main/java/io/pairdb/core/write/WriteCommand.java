package io.pairdb.core.write;

import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A write or delete as the client asked for it. {@code value} empty means delete (a
 * tombstone). {@code causalContext} is the clock the client read, if it sent one.
 */
public record WriteCommand(TenantId tenant, String key, Optional<byte[]> value, ConsistencyLevel consistency,
                           Optional<String> idempotencyKey, Optional<VectorClock> causalContext,
                           Optional<Duration> clientDeadline) {
    public WriteCommand {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(causalContext, "causalContext");
        Objects.requireNonNull(clientDeadline, "clientDeadline");
        value = value.map(byte[]::clone);
    }

    public static WriteCommand put(TenantId tenant, String key, byte[] value, ConsistencyLevel consistency) {
        return new WriteCommand(tenant, key, Optional.of(value), consistency, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public static WriteCommand delete(TenantId tenant, String key, ConsistencyLevel consistency) {
        return new WriteCommand(tenant, key, Optional.empty(), consistency, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public WriteCommand withIdempotencyKey(String idempotencyKey) {
        return new WriteCommand(tenant, key, value, consistency, Optional.of(idempotencyKey), causalContext,
                clientDeadline);
    }

    public WriteCommand withCausalContext(VectorClock clock) {
        return new WriteCommand(tenant, key, value, consistency, idempotencyKey, Optional.of(clock), clientDeadline);
    }

    public WriteCommand withClientDeadline(Duration deadline) {
        return new WriteCommand(tenant, key, value, consistency, idempotencyKey, causalContext, Optional.of(deadline));
    }

    public boolean isDelete() {
        return value.isEmpty();
    }
}
