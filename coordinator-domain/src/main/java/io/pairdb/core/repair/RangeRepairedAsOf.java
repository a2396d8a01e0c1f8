package io.pairdb.core.repair;

import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A tenant's range that a repair made equal on all its replicas (not a dry run, no replica failing),
 * as of when its comparison began: every write acknowledged before then is on each of them since.
 */
public record RangeRepairedAsOf(TenantId tenant, TokenRange range, Instant asOf) {
    public RangeRepairedAsOf {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(asOf, "asOf");
    }
}
