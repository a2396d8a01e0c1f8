package io.pairdb.adapters.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.Futures;
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
import java.util.function.BiFunction;
import java.util.function.Function;
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
        respond(observer, "write", request.getTenantId(), () -> write("write", request.getTenantId(), request.getKey(),
                Optional.of(request.getValue()), request.getConsistency(), request.getIdempotencyKey(),
                request.hasCausalContext(), request.getCausalContext(), request.getSerializedSize(),
                CoordinatorProtoMapper::toWriteResponse));
    }

    @Override
    public void deleteKeyValue(DeleteKeyValueRequest request, StreamObserver<DeleteKeyValueResponse> observer) {
        respond(observer, "delete", request.getTenantId(), () -> write("delete", request.getTenantId(), request.getKey(),
                Optional.empty(), request.getConsistency(), request.getIdempotencyKey(),
                request.hasCausalContext(), request.getCausalContext(), request.getSerializedSize(),
                CoordinatorProtoMapper::toDeleteResponse));
    }

    /** A write, or a delete (no value: a tombstone), answered through {@code answer} (stored response, duplicate). */
    private <T> CompletableFuture<T> write(String op, String tenantId, String rawKey,
                                           Optional<com.google.protobuf.ByteString> value, String consistency,
                                           String idempotencyKey, boolean hasCausalContext,
                                           io.pairdb.proto.coordinator.v1.VectorClock causal, long requestBytes,
                                           BiFunction<io.pairdb.core.idempotency.StoredResponse, Boolean, T> answer) {
        TenantId tenant = RequestValidation.tenant(tenantId);
        String key = RequestValidation.key(rawKey);
        WriteCommand command = new WriteCommand(tenant, key,
                value.map(v -> RequestValidation.value(v, settings.maxValueBytes())),
                RequestValidation.consistency(consistency, settings.defaultConsistency()),
                RequestValidation.idempotencyKey(idempotencyKey), causalContext(hasCausalContext, causal),
                RequestValidation.clientDeadline());
        return withinQuota(op, tenant, requestBytes, command.clientDeadline(), left -> writes.execute(
                        new WriteCommand(command.tenant(), command.key(), command.value(), command.consistency(),
                                command.idempotencyKey(), command.causalContext(), left)))
                .thenApply(outcome -> switch (outcome) {
                    case WriteOutcome.Written w -> answer.apply(w.response(), false);
                    case WriteOutcome.Duplicate d -> answer.apply(d.response(), true);
                    default -> throw OutcomeErrors.of(outcome, command.consistency().wireName());
                });
    }

    @Override
    public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> observer) {
        respond(observer, "read", request.getTenantId(), () -> {
            TenantId tenant = RequestValidation.tenant(request.getTenantId());
            String key = RequestValidation.key(request.getKey());
            var consistency = RequestValidation.consistency(request.getConsistency(), settings.defaultConsistency());
            return withinQuota("read", tenant, request.getSerializedSize(), RequestValidation.clientDeadline(),
                    left -> reads.execute(new ReadCommand(tenant, key, consistency, left)))
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
                default -> throw OutcomeErrors.of(outcome, tenant, key, consistency.wireName());
            });
        });
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
     * {@code work} is given, as its client deadline, what is left of the request's time (its timeout
     * or the client's deadline, the earlier) once the quota was decided, so that a tenant lookup and
     * the request together keep to it.
     */
    private <T> CompletableFuture<T> withinQuota(String op, TenantId tenant, long bytes,
                                                 Optional<Duration> clientDeadline,
                                                 Function<Optional<Duration>, CompletableFuture<T>> work) {
        long started = System.nanoTime();
        // the quota's tenant lookup waits no longer than the request would: its timeout, or the client's deadline
        Duration timeout = "read".equals(op) ? settings.readTimeout() : settings.writeTimeout();
        Duration within = clientDeadline.filter(left -> left.compareTo(timeout) < 0).orElse(timeout);
        return quotas.execute(tenant, bytes, within).thenCompose(decision -> switch (decision) {
            case TenantRateLimiter.Decision.Admitted a -> work.apply(Optional.of(within.minusNanos(
                    Math.min(System.nanoTime() - started, within.toNanos()))));
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

    /** Runs a call and turns whatever it ends with into exactly one response or status. */
    private <T> void respond(StreamObserver<T> observer, String op, String tenant, Call<T> call) {
        CompletableFuture<T> answer = Futures.started(call::run);
        answer.whenComplete((response, error) -> {
            if (error == null) {
                observer.onNext(response);
                observer.onCompleted();
            } else {
                observer.onError(OutcomeErrors.failure(op, tenant, error));
            }
        });
    }

    @FunctionalInterface
    interface Call<T> {
        CompletableFuture<T> run();
    }
}
