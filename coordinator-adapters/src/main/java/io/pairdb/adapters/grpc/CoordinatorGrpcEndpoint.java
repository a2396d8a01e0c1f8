package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.PairDbException;
import io.pairdb.core.limits.AdmitTenantCall;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.read.CoordinateRead;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.write.CoordinateWrite;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueResponse;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data plane over gRPC: validates, runs the use case, maps its outcome to a response or a status. */
@Singleton
public class CoordinatorGrpcEndpoint extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorGrpcEndpoint.class);
    /** The ErrorInfo reason of a request refused because its tenant is over its quota. */
    public static final String TENANT_RATE_LIMITED = "TENANT_RATE_LIMITED";

    private final CoordinateWrite writes;
    private final CoordinateRead reads;
    private final CoordinatorSettings settings;
    private final AdmitTenantCall quotas;
    private final MeterRegistry registry;

    public CoordinatorGrpcEndpoint(CoordinateWrite writes, CoordinateRead reads, CoordinatorSettings settings,
                                   AdmitTenantCall quotas, MeterRegistry registry) {
        this.writes = writes;
        this.reads = reads;
        this.settings = settings;
        this.quotas = quotas;
        this.registry = registry;
    }

    @Override
    public void writeKeyValue(WriteKeyValueRequest request, StreamObserver<WriteKeyValueResponse> observer) {
        respond(observer, "write", request.getTenantId(), () -> {
            TenantId tenant = RequestValidation.tenant(request.getTenantId());
            String key = RequestValidation.key(request.getKey());
            WriteCommand command = new WriteCommand(tenant, key,
                    Optional.of(RequestValidation.value(request.getValue(), settings.maxValueBytes())),
                    RequestValidation.consistency(request.getConsistency(), settings.defaultConsistency()),
                    RequestValidation.idempotencyKey(request.getIdempotencyKey()),
                    causalContext(request.hasCausalContext(), request.getCausalContext()),
                    RequestValidation.clientDeadline());
            return withinQuota("write", tenant, request.getSerializedSize(), () -> writes.execute(command))
                    .thenApply(outcome -> writeAnswer(outcome, command,
                    r -> CoordinatorProtoMapper.toWriteResponse(r, false),
                    r -> CoordinatorProtoMapper.toWriteResponse(r, true)));
        });
    }

    @Override
    public void deleteKeyValue(DeleteKeyValueRequest request, StreamObserver<DeleteKeyValueResponse> observer) {
        respond(observer, "delete", request.getTenantId(), () -> {
            TenantId tenant = RequestValidation.tenant(request.getTenantId());
            String key = RequestValidation.key(request.getKey());
            WriteCommand command = new WriteCommand(tenant, key, Optional.empty(),
                    RequestValidation.consistency(request.getConsistency(), settings.defaultConsistency()),
                    RequestValidation.idempotencyKey(request.getIdempotencyKey()),
                    causalContext(request.hasCausalContext(), request.getCausalContext()),
                    RequestValidation.clientDeadline());
            return withinQuota("delete", tenant, request.getSerializedSize(), () -> writes.execute(command))
                    .thenApply(outcome -> writeAnswer(outcome, command,
                    r -> CoordinatorProtoMapper.toDeleteResponse(r, false),
                    r -> CoordinatorProtoMapper.toDeleteResponse(r, true)));
        });
    }

    @Override
    public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> observer) {
        respond(observer, "read", request.getTenantId(), () -> {
            TenantId tenant = RequestValidation.tenant(request.getTenantId());
            String key = RequestValidation.key(request.getKey());
            var consistency = RequestValidation.consistency(request.getConsistency(), settings.defaultConsistency());
            ReadCommand command = new ReadCommand(tenant, key, consistency, RequestValidation.clientDeadline());
            return withinQuota("read", tenant, request.getSerializedSize(), () -> reads.execute(command))
                    .thenApply(outcome -> switch (outcome) {
                case ReadOutcome.Found f -> ReadKeyValueResponse.newBuilder()
                        .setSuccess(true)
                        .setKey(key)
                        .setValue(com.google.protobuf.ByteString.copyFrom(f.version().value()))
                        .setVectorClock(CoordinatorProtoMapper.toProto(f.version().clock()))
                        .setTimestampMs(f.version().timestampMs())
                        .setReplicaCount(f.replicaCount())
                        .setConsistency(consistency.wireName())
                        .build();
                case ReadOutcome.NotFound n -> throw GrpcErrors.error(Status.Code.NOT_FOUND, "KEY_NOT_FOUND",
                        "key '" + key + "' not found in tenant '" + tenant + "'");
                case ReadOutcome.TenantNotFound t -> throw tenantNotFound(t.tenant());
                case ReadOutcome.Unavailable u -> throw notEnoughReplicas(u.required(), u.alive(), consistency.wireName());
                case ReadOutcome.QuorumNotReached q -> throw quorumNotReached(q.required(), q.answered(),
                        consistency.wireName(), "read");
                case ReadOutcome.TimedOut t -> throw timedOut(t.required(), t.answered(), consistency.wireName(), "read");
                case ReadOutcome.TopologyStale t -> throw topologyStale(t.stale());
            });
        });
    }

    private <T> T writeAnswer(WriteOutcome outcome, WriteCommand command,
                              Function<io.pairdb.core.idempotency.StoredResponse, T> written,
                              Function<io.pairdb.core.idempotency.StoredResponse, T> duplicate) {
        String cl = command.consistency().wireName();
        return switch (outcome) {
            case WriteOutcome.Written w -> written.apply(w.response());
            case WriteOutcome.Duplicate d -> duplicate.apply(d.response());
            case WriteOutcome.TenantNotFound t -> throw tenantNotFound(t.tenant());
            case WriteOutcome.Unavailable u -> throw notEnoughReplicas(u.required(), u.alive(), cl);
            case WriteOutcome.QuorumNotReached q -> throw quorumNotReached(q.required(), q.acknowledged(), cl, "write");
            case WriteOutcome.TimedOut t -> throw timedOut(t.required(), t.acknowledged(), cl, "write");
            case WriteOutcome.IdempotencyConflict c -> throw GrpcErrors.error(Status.Code.FAILED_PRECONDITION,
                    "IDEMPOTENCY_KEY_CONFLICT", "idempotency key '" + c.idempotencyKey()
                            + "' was already used for a different request on this key; use a new key");
            case WriteOutcome.InFlight i -> throw GrpcErrors.retryLater("REQUEST_IN_PROGRESS",
                    "a request with idempotency key '" + i.idempotencyKey() + "' is still in progress; retry shortly",
                    Duration.ofMillis(200));
            case WriteOutcome.IdempotencyUnavailable u -> throw GrpcErrors.error(Status.Code.UNAVAILABLE,
                    "IDEMPOTENCY_STORE_UNAVAILABLE", "the idempotency store (Redis) is unreachable, so a write with an "
                            + "idempotency key cannot be guaranteed once; retry later or send it without a key");
            case WriteOutcome.ReadBeforeWriteFailed r -> throw readBeforeWriteFailed(r);
            case WriteOutcome.InvalidCausalContext i -> throw GrpcErrors.invalid("INVALID_CAUSAL_CONTEXT",
                    "causal_context cannot be used: " + i.reason());
            case WriteOutcome.CoordinatorIdNotHeld c -> throw GrpcErrors.error(Status.Code.UNAVAILABLE,
                    "COORDINATOR_ID_NOT_HELD", "this coordinator no longer holds the lease on its id '"
                            + c.coordinatorId() + "' (its renewals failed, or another instance took the id over), so "
                            + "it cannot version writes until it holds an id again; nothing was written, retry",
                    Map.of("coordinator_id", c.coordinatorId()));
            case WriteOutcome.TopologyStale t -> throw topologyStale(t.stale());
        };
    }

    private static Optional<VectorClock> causalContext(boolean present, io.pairdb.proto.coordinator.v1.VectorClock clock) {
        if (!present) {
            return Optional.empty();
        }
        try {
            return Optional.of(CoordinatorProtoMapper.fromProto(clock));
        } catch (IllegalArgumentException e) {
            throw GrpcErrors.invalid("INVALID_CAUSAL_CONTEXT", "causal_context is malformed: " + e.getMessage());
        }
    }

    /**
     * Runs {@code work} if the tenant is within this coordinator's share of its quota; otherwise
     * fails with RESOURCE_EXHAUSTED (TENANT_RATE_LIMITED) and a RetryInfo, without running it.
     */
    private <T> CompletableFuture<T> withinQuota(String op, TenantId tenant, long bytes,
                                                 Supplier<CompletableFuture<T>> work) {
        return quotas.execute(tenant, bytes).thenCompose(decision -> switch (decision) {
            case TenantRateLimiter.Decision.Admitted a -> work.get();
            case TenantRateLimiter.Decision.Throttled t -> {
                Counter.builder("coordinator.requests.throttled")
                        .description("Data requests answered RESOURCE_EXHAUSTED/TENANT_RATE_LIMITED: the tenant was over "
                                + "this coordinator's share of its quota")
                        .tag("operation", op).register(registry).increment();
                throw GrpcErrors.retryLater(Status.Code.RESOURCE_EXHAUSTED, TENANT_RATE_LIMITED, "tenant '" + tenant
                                + "' is over its quota (" + t.limit() + " per second); retry after "
                                + t.retryAfter().toMillis() + " ms",
                        Map.of("limit", t.limit()), t.retryAfter());
            }
        });
    }

    static StatusRuntimeException tenantNotFound(TenantId tenant) {
        return GrpcErrors.error(Status.Code.NOT_FOUND, "TENANT_NOT_FOUND",
                "tenant '" + tenant + "' does not exist; create it with `pairdb-admin tenant create " + tenant + "`");
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

    private static StatusRuntimeException quorumNotReached(int required, int answered, String cl, String op) {
        return GrpcErrors.error(Status.Code.UNAVAILABLE, "QUORUM_NOT_REACHED",
                op + " at consistency " + cl + " needed " + required + " replica answers but got " + answered
                        + " before the others failed",
                Map.of("required", String.valueOf(required), "received", String.valueOf(answered)));
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
            case TIMED_OUT -> GrpcErrors.error(Status.Code.DEADLINE_EXCEEDED, "QUORUM_NOT_REACHED",
                    "the read before the write needed " + r.required() + " replica answers but got " + r.answered()
                            + " before the deadline; nothing was written", counts);
        };
    }

    private static StatusRuntimeException timedOut(int required, int answered, String cl, String op) {
        return GrpcErrors.error(Status.Code.DEADLINE_EXCEEDED, "QUORUM_NOT_REACHED",
                op + " at consistency " + cl + " needed " + required + " replica answers but got " + answered
                        + " before the deadline",
                Map.of("required", String.valueOf(required), "received", String.valueOf(answered)));
    }

    /** Runs a call and turns whatever it ends with into exactly one response or status. */
    private <T> void respond(StreamObserver<T> observer, String op, String tenant, Call<T> call) {
        CompletableFuture<T> answer;
        try {
            answer = call.run();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, error) -> {
            if (error == null) {
                observer.onNext(response);
                observer.onCompleted();
            } else {
                observer.onError(toStatus(op, tenant, error));
            }
        });
    }

    static StatusRuntimeException toStatus(String op, String tenant, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
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

    @FunctionalInterface
    interface Call<T> {
        CompletableFuture<T> run();
    }
}
