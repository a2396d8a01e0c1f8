package io.pairdb.core.idempotency;

import io.pairdb.core.version.VectorClock;
import java.util.Objects;

/** The answer to an idempotent write, kept so a retry gets the same answer. */
public record StoredResponse(String key, String idempotencyKey, VectorClock clock, long timestampMs,
                             int replicaCount, String consistency, boolean tombstone) {
    public StoredResponse {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(consistency, "consistency");
    }
}
