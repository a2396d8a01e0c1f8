package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * A replica write that did not reach its node: the full version, to be replayed through
 * the node's conditional write. {@code id} is 0 until the store assigns one.
 */
public record Hint(long id, NodeId target, TenantId tenant, String key, Token token, Version version,
                   Instant createdAt, int attempts) {
    public Hint {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    public static Hint forWrite(NodeId target, TenantId tenant, String key, Token token, Version version, Instant now) {
        return new Hint(0, target, tenant, key, token, version, now, 0);
    }
}
