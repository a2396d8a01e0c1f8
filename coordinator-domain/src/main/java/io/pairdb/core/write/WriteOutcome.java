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

    /**
     * The deadline passed before enough replicas acknowledged; {@code sent}: the write went out to
     * the replicas (and may still be applied), else the deadline passed before it was sent.
     */
    record TimedOut(int required, int acknowledged, boolean sent) implements WriteOutcome {
        public TimedOut(int required, int acknowledged) {
            this(required, acknowledged, true);
        }
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

    /**
     * The read that finds the version a new one follows did not reach a read quorum of the
     * natural replicas (spares included); nothing was written. {@code answered} replicas did.
     */
    record ReadBeforeWriteFailed(Cause cause, int required, int answered) implements WriteOutcome {
        public enum Cause {
            /** Fewer live natural replicas than a read quorum: nothing was asked. */
            NOT_ENOUGH_REPLICAS,
            /** Replicas failed, so a read quorum could not answer. */
            QUORUM_NOT_REACHED,
            /** The deadline passed first. */
            TIMED_OUT
        }
    }

    /** The client's causal context is not one the coordinators could have handed out; nothing was written. */
    record InvalidCausalContext(String reason) implements WriteOutcome {
    }

    /**
     * This coordinator does not hold a valid lease on its id (renewals failed for longer than the
     * lease, or another instance took the id over), so it cannot version a write; nothing was written.
     */
    record CoordinatorIdNotHeld(String coordinatorId) implements WriteOutcome {
    }

    /** This coordinator could not confirm lately that its ring is current; nothing was written. */
    record TopologyStale(ClusterTopology.Freshness.Stale stale) implements WriteOutcome {
    }
}
