package io.pairdb.core.repair;

import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.util.Objects;

/** One tenant's range of the ring that a repair run has compared (and repaired, unless a dry run). */
public record RepairedRange(TenantId tenant, TokenRange range) {
    public RepairedRange {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(range, "range");
    }
}
