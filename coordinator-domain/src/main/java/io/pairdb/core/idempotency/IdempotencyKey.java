package io.pairdb.core.idempotency;

import io.pairdb.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
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

    /**
     * The storage key, {@code idempotency:{tenant}:{key length}:{key}:{idempotency_key}}, the key's
     * length in UTF-8 bytes. Keys and idempotency keys may hold any character, ':' included, so
     * joining them alone is ambiguous ({@code a:b} + {@code c} and {@code a} + {@code b:c} would
     * share a record); a tenant id holds no ':' and the length says where the key ends, so every
     * request has a key of its own. Still readable with redis-cli.
     */
    public String storageKey() {
        return "idempotency:" + tenant.value() + ":" + key.getBytes(StandardCharsets.UTF_8).length + ":" + key + ":"
                + token;
    }
}
