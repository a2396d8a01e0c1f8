package io.pairdb.core.topology;

import java.time.Instant;
import java.util.Objects;

/** Which coordinator drives a change, until when (by the store's clock). */
public record Lease(String owner, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
