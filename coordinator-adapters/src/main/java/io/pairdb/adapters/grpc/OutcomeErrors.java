package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.ring.DescribeRing;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeReplicationFactor;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.write.WriteOutcome;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core outcomes that are not an answer, and failures that escape a call, as the gRPC status and
 * {@code ErrorInfo} reason a client sees: the one place they are translated, for the data plane, the
 * admin API and the warnings of dry runs alike. The reasons are a client-visible API (README,
 * *Errors*). Field checks of a request are {@link RequestValidation}'s.
 */
final class OutcomeErrors {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeErrors.class);

    private OutcomeErrors() {
    }

    /** What an error answer carries; a dry run shows it as a warning instead of failing with it. */
    record Refusal(Status.Code code, String reason, String message, Map<String, String> metadata) {
        Refusal(Status.Code code, String reason, String message) {
            this(code, reason, message, Map.of());
        }

        StatusRuntimeException exception() {
            return GrpcErrors.error(code, reason, message, metadata);
        }
    }

    /** A write or delete that was not done; {@code cl} is its consistency level's wire name. */
    static StatusRuntimeException of(WriteOutcome outcome, String cl) {
        return switch (outcome) {
            case WriteOutcome.Written w -> notAFailure(w);
            case WriteOutcome.Duplicate d -> notAFailure(d);
            case WriteOutcome.TenantNotFound t -> tenantNotFound(t.tenant());
            case WriteOutcome.Unavailable u -> notEnoughReplicas(u.required(), u.alive(), cl);
            case WriteOutcome.QuorumNotReached q -> maybeWritten(Status.Code.UNAVAILABLE, "QUORUM_NOT_REACHED",
                    notReached(q.required(), q.acknowledged(), cl, "write"), q.required(), q.acknowledged());
            case WriteOutcome.TimedOut t when !t.sent() -> GrpcErrors.error(Status.Code.DEADLINE_EXCEEDED,
                    "QUORUM_TIMED_OUT", "write at consistency " + cl + ": the deadline passed before the write was sent "
                            + "to the replicas; nothing was written",
                    Map.of("required", String.valueOf(t.required()), "received", "0", MAYBE_WRITTEN, "false"));
            case WriteOutcome.TimedOut t -> maybeWritten(Status.Code.DEADLINE_EXCEEDED, "QUORUM_TIMED_OUT",
                    late(t.required(), t.acknowledged(), cl, "write"), t.required(), t.acknowledged());
            case WriteOutcome.IdempotencyConflict c -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "IDEMPOTENCY_KEY_CONFLICT", "idempotency key '" + c.idempotencyKey()
                            + "' was already used on this key for a different request (another value, operation or"
                            + " causal context) or at a consistency level asking for fewer replicas; a retry must"
                            + " resend the first request as it was, a new write needs a new key");
            case WriteOutcome.InFlight i -> GrpcErrors.retryLater("REQUEST_IN_PROGRESS",
                    "a request with idempotency key '" + i.idempotencyKey() + "' is still in progress; retry shortly",
                    Duration.ofMillis(200));
            case WriteOutcome.IdempotencyUnavailable u -> GrpcErrors.error(Status.Code.UNAVAILABLE,
                    "IDEMPOTENCY_STORE_UNAVAILABLE", "the idempotency store (Redis) is unreachable, so a write with an "
                            + "idempotency key cannot be guaranteed once; this attempt wrote nothing. Retry later with"
                            + " the same key: an earlier attempt with it may have been applied, and the write sent"
                            + " without a key would be applied again");
            case WriteOutcome.ReadBeforeWriteFailed r -> readBeforeWriteFailed(r);
            case WriteOutcome.InvalidCausalContext i -> GrpcErrors.invalid("INVALID_CAUSAL_CONTEXT",
                    "causal_context cannot be used: " + i.reason());
            case WriteOutcome.CoordinatorIdNotHeld c -> GrpcErrors.error(Status.Code.UNAVAILABLE,
                    "COORDINATOR_ID_NOT_HELD", "this coordinator no longer holds the lease on its id '"
                            + c.coordinatorId() + "' (its renewals failed, or another instance took the id over), so "
                            + "it cannot version writes until it holds an id again; nothing was written, retry",
                    Map.of("coordinator_id", c.coordinatorId()));
            case WriteOutcome.TopologyStale t -> topologyStale(t.stale());
        };
    }

    /** A read that found nothing to answer with; {@code cl} is its consistency level's wire name. */
    static StatusRuntimeException of(ReadOutcome outcome, TenantId tenant, String key, String cl) {
        return switch (outcome) {
            case ReadOutcome.Found f -> notAFailure(f);
            case ReadOutcome.NotFound n -> GrpcErrors.error(Status.Code.NOT_FOUND, "KEY_NOT_FOUND",
                    "key '" + key + "' not found in tenant '" + tenant + "'");
            case ReadOutcome.TenantNotFound t -> tenantNotFound(t.tenant());
            case ReadOutcome.Unavailable u -> notEnoughReplicas(u.required(), u.alive(), cl);
            case ReadOutcome.QuorumNotReached q -> quorumNotReached(q.required(), q.answered(), cl, "read");
            case ReadOutcome.TimedOut t -> timedOut(t.required(), t.answered(), cl, "read");
            case ReadOutcome.TopologyStale t -> topologyStale(t.stale());
        };
    }

    /** Why a topology change did not start. */
    static Refusal refusal(StartOutcome outcome) {
        return switch (outcome) {
            case StartOutcome.Started started -> notAFailure(started);
            case StartOutcome.NodeExists e -> new Refusal(Status.Code.ALREADY_EXISTS, "NODE_ALREADY_EXISTS",
                    "storage node '" + e.id() + "' is already registered");
            case StartOutcome.AddressInUse a -> new Refusal(Status.Code.ALREADY_EXISTS, "NODE_ADDRESS_IN_USE",
                    "address " + a.address() + " is already registered as node '" + a.byNode() + "'");
            case StartOutcome.NodeNotFound n -> new Refusal(Status.Code.NOT_FOUND, "NODE_NOT_FOUND",
                    "storage node '" + n.id() + "' is not registered");
            case StartOutcome.NodeNotNormal n -> new Refusal(Status.Code.FAILED_PRECONDITION, "NODE_NOT_NORMAL",
                    "storage node '" + n.id() + "' is " + n.state() + "; only a NORMAL node can be removed");
            case StartOutcome.TooFewNodes t -> new Refusal(Status.Code.FAILED_PRECONDITION, "TOO_FEW_NODES",
                    "removing '" + t.id() + "' would leave " + t.remaining() + " nodes for replication factor "
                            + t.largestReplicationFactor() + "; lower the tenants' RF first, or force it");
            case StartOutcome.NodeDown d -> new Refusal(Status.Code.FAILED_PRECONDITION, "NODE_DOWN",
                    "storage node '" + d.id() + "' does not answer (" + d.reason()
                            + "); force removes it by streaming its ranges from the surviving replicas");
            case StartOutcome.NodeUnreachable u -> new Refusal(Status.Code.FAILED_PRECONDITION, "NODE_DOWN",
                    "storage node '" + u.id() + "' does not answer its health probe (" + u.reason()
                            + "); a node is added once it can say whether it holds data");
            case StartOutcome.HoldsData h -> new Refusal(Status.Code.FAILED_PRECONDITION, "NODE_HOLDS_DATA",
                    "storage node '" + h.id() + "' already holds " + h.keys() + " entries (from an earlier membership or "
                            + "another cluster); versions whose tombstones were purged elsewhere would bring deleted keys "
                            + "back. Empty it, or add it with --allow-existing-data if its data may join",
                    Map.of("keys", String.valueOf(h.keys())));
            case StartOutcome.GcGraceTooShort g -> new Refusal(Status.Code.FAILED_PRECONDITION,
                    "TOMBSTONE_GC_GRACE_TOO_SHORT", "storage node '" + g.id() + "' purges tombstones after " + g.reported()
                            + ", less than pairdb.storage.tombstone-gc-grace (" + g.required() + "), within which hints "
                            + "and cleanups are done; a deleted key could come back. Raise the node's gc grace");
            case StartOutcome.Conflicting c -> conflicting(c.other(), c.reason());
            case StartOutcome.RepairRunning r -> repairRunning(r.run(), r.reason());
            case StartOutcome.Contended c -> new Refusal(Status.Code.ABORTED, "CONCURRENT_MODIFICATION",
                    "the ring kept changing under the request (" + c.attempts() + " attempts); retry");
        };
    }

    /** The change that started, or the error that says why none did. */
    static StartOutcome.Started startedOrThrow(StartOutcome outcome) {
        if (outcome instanceof StartOutcome.Started started) {
            return started;
        }
        throw refusal(outcome).exception();
    }

    static StatusRuntimeException of(ChangeReplicationFactor.Outcome outcome, TenantId tenant) {
        return switch (outcome) {
            case ChangeReplicationFactor.Outcome.Started s -> notAFailure(s);
            case ChangeReplicationFactor.Outcome.Unchanged u -> notAFailure(u);
            case ChangeReplicationFactor.Outcome.NotFound n -> tenantNotFound(tenant);
            case ChangeReplicationFactor.Outcome.InvalidReplicationFactor i ->
                    GrpcErrors.invalid("INVALID_REPLICATION_FACTOR", i.reason());
            case ChangeReplicationFactor.Outcome.Conflicting c -> conflicting(c.other(), c.reason()).exception();
            case ChangeReplicationFactor.Outcome.RepairRunning r -> repairRunning(r.run(), r.reason()).exception();
            case ChangeReplicationFactor.Outcome.Contended c -> concurrentModification("the ring or tenant '" + tenant
                    + "' kept changing during " + c.attempts() + " attempts; retry");
        };
    }

    static StatusRuntimeException of(TenantService.CreateOutcome outcome, TenantId tenant) {
        return switch (outcome) {
            case TenantService.CreateOutcome.Created c -> notAFailure(c);
            case TenantService.CreateOutcome.AlreadyExists e -> GrpcErrors.error(Status.Code.ALREADY_EXISTS,
                    "TENANT_ALREADY_EXISTS", "tenant '" + tenant + "' already exists");
            case TenantService.CreateOutcome.InvalidReplicationFactor i ->
                    GrpcErrors.invalid("INVALID_REPLICATION_FACTOR", i.reason());
            case TenantService.CreateOutcome.RingKeptMoving m -> concurrentModification("the ring kept changing while "
                    + "the replication factor of tenant '" + tenant + "' was checked (" + m.attempts() + " attempts); retry");
            case TenantService.CreateOutcome.NodeChangeInFlight c -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "CHANGE_IN_FLIGHT", "tenant '" + tenant + "' is not created while node " + c.node() + " is "
                            + c.state() + ": a node change copies only the tenants that existed when it started; "
                            + "create it once the change has ended (pairdb-admin change list)");
        };
    }

    static StatusRuntimeException of(DescribeRing.Outcome outcome) {
        return switch (outcome) {
            case DescribeRing.Outcome.Described d -> notAFailure(d);
            case DescribeRing.Outcome.TenantNotFound n -> tenantNotFound(n.tenant());
            case DescribeRing.Outcome.NoTenants n -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NO_TENANTS",
                    "no tenant exists, so no replication factor is in use; give replication_factor");
            case DescribeRing.Outcome.TooFewNodes t -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "TOO_FEW_NODES", "the ring has " + t.nodes() + " nodes, fewer than replication factor "
                            + t.replicationFactor());
        };
    }

    static StatusRuntimeException of(CleanupStore.Force outcome, ChangeId change) {
        return switch (outcome) {
            case CleanupStore.Force.Forced f -> notAFailure(f);
            case CleanupStore.Force.NotFound n -> changeNotFound(change.value());
            case CleanupStore.Force.NotCompleted n -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "CHANGE_NOT_COMPLETED", "change " + change + " is " + n.status()
                            + ": only a change that ended has ranges to clean up", Map.of("status", n.status().name()));
        };
    }

    static StatusRuntimeException of(ReplayHints.Request request) {
        return switch (request) {
            case ReplayHints.Request.Started s -> notAFailure(s);
            case ReplayHints.Request.NodeNotFound n -> GrpcErrors.error(Status.Code.NOT_FOUND, "NODE_NOT_FOUND",
                    "storage node '" + n.node() + "' is not in the ring");
            case ReplayHints.Request.NodeDown d -> GrpcErrors.error(Status.Code.FAILED_PRECONDITION, "NODE_DOWN",
                    "storage node '" + d.node() + "' is marked DOWN; its hints are replayed as soon as it is seen UP again");
        };
    }

    static StatusRuntimeException tenantNotFound(TenantId tenant) {
        return GrpcErrors.error(Status.Code.NOT_FOUND, "TENANT_NOT_FOUND",
                "tenant '" + tenant + "' does not exist; create it with `pairdb-admin tenant create " + tenant + "`");
    }

    static StatusRuntimeException changeNotFound(String id) {
        return GrpcErrors.error(Status.Code.NOT_FOUND, "CHANGE_NOT_FOUND", "topology change '" + id + "' does not exist");
    }

    /** A tenant update that lost to concurrent ones every try. */
    static StatusRuntimeException concurrentModification(String message) {
        return GrpcErrors.error(Status.Code.ABORTED, "CONCURRENT_MODIFICATION", message);
    }

    /**
     * A failure that escaped a call: a dependency that failed (which kind only; the detail goes to
     * the log), or a defect. A status already made is passed through.
     */
    static StatusRuntimeException failure(String op, String tenant, Throwable error) {
        Throwable cause = Futures.cause(error);
        if (cause instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (cause instanceof PairDbException e) {
            // the detail (statements, tables, users, addresses) is for the operator, never for the client
            LOG.warn("{} failed for tenant {}: {}{}", op, tenant, e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause() + ")");
            return GrpcErrors.error(Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE",
                    op + " could not complete: " + dependency(e) + " is unavailable; the coordinator log has the detail");
        }
        LOG.error("{} failed unexpectedly for tenant {}", op, tenant, cause);
        return GrpcErrors.error(Status.Code.INTERNAL, "INTERNAL", op + " failed unexpectedly; see the coordinator log");
    }

    /** Which kind of dependency failed, as a client may be told it. */
    private static String dependency(PairDbException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                return "the metadata store (PostgreSQL)";
            }
            if (t instanceof io.lettuce.core.RedisException) {
                return "the idempotency store (Redis)";
            }
        }
        return "a storage node or another dependency";
    }

    /** A change refused for another change in flight, or for an ended change's cleanup (whose reason says what to do). */
    private static Refusal conflicting(ChangeId other, String reason) {
        String then = reason.contains("cleanup") ? "" : "; wait for change " + other + " to end";
        return new Refusal(Status.Code.FAILED_PRECONDITION, "CHANGE_CONFLICT", "refused: " + reason + then,
                Map.of("change_id", other.value()));
    }

    /** A topology change refused because a repair run writes to the replicas it would move. */
    private static Refusal repairRunning(String run, String reason) {
        return new Refusal(Status.Code.FAILED_PRECONDITION, "REPAIR_RUNNING", "refused: " + reason
                + "; see pairdb-admin repair status", Map.of("run_id", run));
    }

    private static StatusRuntimeException topologyStale(ClusterTopology.Freshness.Stale stale) {
        String since = stale.confirmedAt().map(at -> "since " + at).orElse("since it started");
        return GrpcErrors.error(Status.Code.UNAVAILABLE, "TOPOLOGY_STALE",
                "this coordinator could not confirm that its ring (epoch " + stale.epoch() + ") is current " + since
                        + " (bound " + stale.bound() + "), so it serves no data requests until it can reach PostgreSQL "
                        + "again; retry on another coordinator",
                Map.of("ring_epoch", String.valueOf(stale.epoch())));
    }

    private static StatusRuntimeException notEnoughReplicas(int required, int alive, String cl) {
        return GrpcErrors.error(Status.Code.UNAVAILABLE, "NOT_ENOUGH_REPLICAS",
                "consistency " + cl + " needs " + required + " replicas but only " + alive + " are available",
                Map.of("required", String.valueOf(required), "alive", String.valueOf(alive)));
    }

    /** ErrorInfo metadata: whether a failed write may still be applied ("true") or surely was not ("false"). */
    static final String MAYBE_WRITTEN = "maybe_written";

    /**
     * A write that failed after it went out to the replicas: some may have applied it, and they and
     * the hints pass it on to the others (there is no rollback), so the client must not take the
     * failure for "not written".
     */
    private static StatusRuntimeException maybeWritten(Status.Code code, String reason, String failed, int required,
                                                       int received) {
        return GrpcErrors.error(code, reason, failed + "; it may still have reached some replicas, which pass it on to "
                + "the others (there is no rollback); a retry that carries the same idempotency key is safe",
                Map.of("required", String.valueOf(required), "received", String.valueOf(received), MAYBE_WRITTEN, "true"));
    }

    private static StatusRuntimeException quorumNotReached(int required, int answered, String cl, String op) {
        return GrpcErrors.error(Status.Code.UNAVAILABLE, "QUORUM_NOT_REACHED", notReached(required, answered, cl, op),
                Map.of("required", String.valueOf(required), "received", String.valueOf(answered)));
    }

    private static StatusRuntimeException timedOut(int required, int answered, String cl, String op) {
        return GrpcErrors.error(Status.Code.DEADLINE_EXCEEDED, "QUORUM_TIMED_OUT", late(required, answered, cl, op),
                Map.of("required", String.valueOf(required), "received", String.valueOf(answered)));
    }

    private static String notReached(int required, int answered, String cl, String op) {
        return op + " at consistency " + cl + " needed " + required + " replica answers but got " + answered
                + " before the others failed";
    }

    private static String late(int required, int answered, String cl, String op) {
        return op + " at consistency " + cl + " needed " + required + " replica answers but got " + answered
                + " before the deadline";
    }

    /** The read that finds the version a write follows missed its quorum: say so, and that nothing was written. */
    private static StatusRuntimeException readBeforeWriteFailed(WriteOutcome.ReadBeforeWriteFailed r) {
        Map<String, String> counts = Map.of("required", String.valueOf(r.required()),
                "received", String.valueOf(r.answered()));
        return switch (r.cause()) {
            case NOT_ENOUGH_REPLICAS -> GrpcErrors.error(Status.Code.UNAVAILABLE, "NOT_ENOUGH_REPLICAS",
                    "a write first reads the current version from a read quorum of " + r.required()
                            + " replicas, but only " + r.answered() + " are available; nothing was written (a write "
                            + "that sends the causal_context it read needs no read)", counts);
            case QUORUM_NOT_REACHED -> GrpcErrors.error(Status.Code.UNAVAILABLE, "QUORUM_NOT_REACHED",
                    "the read before the write needed " + r.required() + " replica answers but got " + r.answered()
                            + " before the others failed; nothing was written", counts);
            case TIMED_OUT -> GrpcErrors.error(Status.Code.DEADLINE_EXCEEDED, "QUORUM_TIMED_OUT",
                    "the read before the write needed " + r.required() + " replica answers but got " + r.answered()
                            + " before the deadline; nothing was written", counts);
        };
    }

    private static <T> T notAFailure(Object outcome) {
        throw new IllegalArgumentException("not a failure: " + outcome);
    }
}
