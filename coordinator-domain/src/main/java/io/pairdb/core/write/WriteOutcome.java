package io.pairdb.core.write;

import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ClusterTopology;

/** How a write or delete ended. */
public sealed interface WriteOutcome {
    /** Enough replicas acknowledged. */
    record Written(StoredResponse response) implements WriteOutcome {
    }

    /** A retry of a write that already completed: the first answer, unchanged. */
    record Duplicate(StoredResponse response) implements WriteOutcome {
    }

    record TenantNotFound(TenantId tenant) implements WriteOutcome {
    }

    /** Too few replicas alive to try; nothing was written. */
    record Unavailable(int required, int alive) implements WriteOutcome {
    }

    /** Replicas failed so the required acknowledgements could not be reached. */
    record QuorumNotReached(int required, int acknowledged, int failed) implements WriteOutcome {
    }

    /** The deadline passed before enough replicas acknowledged. */
    record TimedOut(int required, int acknowledged) implements WriteOutcome {
    }

    /** The idempotency key was used before with a different request. */
    record IdempotencyConflict(String idempotencyKey) implements WriteOutcome {
    }

    /** The same request is still in flight elsewhere; retry shortly. */
    record InFlight(String idempotencyKey) implements WriteOutcome {
    }

    /** The request carries an idempotency key but the idempotency store is unreachable. */
    record IdempotencyUnavailable(String reason) implements WriteOutcome {
    }

    /** This coordinator could not confirm lately that its ring is current; nothing was written. */
    record TopologyStale(ClusterTopology.Freshness.Stale stale) implements WriteOutcome {
    }
}
