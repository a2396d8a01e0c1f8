package io.pairdb.core.idempotency;

import io.pairdb.core.tenant.TenantId;
import java.util.Objects;

/** Identifies one idempotent request: tenant, key and the client's idempotency key. */
public record IdempotencyKey(TenantId tenant, String key, String token) {
    public static final int MAX_TOKEN_LENGTH = 128;

    public IdempotencyKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("idempotency key must be 1-" + MAX_TOKEN_LENGTH + " characters");
        }
    }

    /** The storage key, {@code idempotency:{tenant}:{key}:{idempotency_key}}. */
    public String storageKey() {
        return "idempotency:" + tenant.value() + ":" + key + ":" + token;
    }
}
