package io.pairdb.core;

import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.write.WriteOutcome;

/**
 * The one name of each data-plane outcome: the {@code status} label of
 * {@code coordinator_requests_total} and, for a failure, the {@code ErrorInfo} reason the client
 * is answered with ({@code OutcomeErrors} in the gRPC adapter, checked against these by its test).
 */
public final class OutcomeNames {
    private OutcomeNames() {
    }

    public static String of(WriteOutcome outcome) {
        return switch (outcome) {
            case WriteOutcome.Written w -> "OK";
            case WriteOutcome.Duplicate d -> "DUPLICATE";
            case WriteOutcome.TenantNotFound t -> "TENANT_NOT_FOUND";
            case WriteOutcome.Unavailable u -> "NOT_ENOUGH_REPLICAS";
            case WriteOutcome.QuorumNotReached q -> "QUORUM_NOT_REACHED";
            case WriteOutcome.TimedOut t -> "QUORUM_TIMED_OUT";
            case WriteOutcome.IdempotencyConflict c -> "IDEMPOTENCY_KEY_CONFLICT";
            case WriteOutcome.InFlight i -> "REQUEST_IN_PROGRESS";
            case WriteOutcome.IdempotencyUnavailable i -> "IDEMPOTENCY_STORE_UNAVAILABLE";
            case WriteOutcome.ReadBeforeWriteFailed r -> switch (r.cause()) {
                case NOT_ENOUGH_REPLICAS -> "NOT_ENOUGH_REPLICAS";
                case QUORUM_NOT_REACHED -> "QUORUM_NOT_REACHED";
                case TIMED_OUT -> "QUORUM_TIMED_OUT";
            };
            case WriteOutcome.InvalidCausalContext i -> "INVALID_CAUSAL_CONTEXT";
            case WriteOutcome.CoordinatorIdNotHeld c -> "COORDINATOR_ID_NOT_HELD";
            case WriteOutcome.TopologyStale t -> "TOPOLOGY_STALE";
        };
    }

    public static String of(ReadOutcome outcome) {
        return switch (outcome) {
            case ReadOutcome.Found f -> "OK";
            case ReadOutcome.NotFound n -> "KEY_NOT_FOUND";
            case ReadOutcome.TenantNotFound t -> "TENANT_NOT_FOUND";
            case ReadOutcome.Unavailable u -> "NOT_ENOUGH_REPLICAS";
            case ReadOutcome.QuorumNotReached q -> "QUORUM_NOT_REACHED";
            case ReadOutcome.TimedOut t -> "QUORUM_TIMED_OUT";
            case ReadOutcome.TopologyStale t -> "TOPOLOGY_STALE";
        };
    }
}
