package io.pairdb.cli.bench;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.CreateTenantResponse;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.Tenant;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.VectorClockEntry;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A coordinator that answers every write and read with success at once, stamping a one-entry
 * clock, and keeps tenants for the admin API; it counts what it was sent.
 */
final class EchoCoordinator implements AutoCloseable {

    final Set<String> tenants = ConcurrentHashMap.newKeySet();
    final LongAdder writes = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder writesWithCausalContext = new LongAdder();
    final Set<String> idempotencyKeys = ConcurrentHashMap.newKeySet();
    final Set<String> consistencies = ConcurrentHashMap.newKeySet();
    final Set<String> keys = ConcurrentHashMap.newKeySet();
    volatile CreateTenantRequest lastCreate;
    /** When set, every write is counted and then refused as an overloaded coordinator sheds it, with this retry delay. */
    volatile java.time.Duration shedWritesWithRetryDelay;
    /** How long a tenant lookup takes to be answered (zero: at once), as on a busy coordinator. */
    volatile java.time.Duration tenantLookupDelay = java.time.Duration.ZERO;
    private final AtomicLong clock = new AtomicLong();
    private final Server server;

    private EchoCoordinator(boolean withAdminApi) throws IOException {
        var builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .directExecutor()
                .addService(new DataPlane());
        if (withAdminApi) {
            builder.addService(new Admin());
        }
        server = builder.build().start();
    }

    static EchoCoordinator start() throws IOException {
        return new EchoCoordinator(true);
    }

    /** Without the admin API, like the baseline proxy. */
    static EchoCoordinator withoutAdminApi() throws IOException {
        return new EchoCoordinator(false);
    }

    String address() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    private VectorClock nextClock() {
        return VectorClock.newBuilder()
                .addEntries(VectorClockEntry.newBuilder().setCoordinatorNodeId("echo").setLogicalTimestamp(clock.incrementAndGet()))
                .build();
    }

    private final class DataPlane extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {
        @Override
        public void writeKeyValue(WriteKeyValueRequest request, StreamObserver<WriteKeyValueResponse> responses) {
            writes.increment();
            if (request.hasCausalContext()) {
                writesWithCausalContext.increment();
            }
            if (!request.getIdempotencyKey().isEmpty()) {
                idempotencyKeys.add(request.getIdempotencyKey());
            }
            consistencies.add(request.getConsistency());
            keys.add(request.getKey());
            java.time.Duration retryDelay = shedWritesWithRetryDelay;
            if (retryDelay != null) {
                responses.onError(overloaded(retryDelay));
                return;
            }
            responses.onNext(WriteKeyValueResponse.newBuilder()
                    .setSuccess(true).setKey(request.getKey()).setVectorClock(nextClock()).setReplicaCount(2).build());
            responses.onCompleted();
        }

        @Override
        public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> responses) {
            reads.increment();
            consistencies.add(request.getConsistency());
            keys.add(request.getKey());
            responses.onNext(ReadKeyValueResponse.newBuilder()
                    .setSuccess(true).setKey(request.getKey()).setVectorClock(nextClock()).setReplicaCount(2).build());
            responses.onCompleted();
        }
    }

    private static StatusRuntimeException overloaded(java.time.Duration retryDelay) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.RESOURCE_EXHAUSTED.getNumber())
                .setMessage("coordinator overloaded")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("OVERLOADED").setDomain("pairdb.io").build()))
                .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(retryDelay.toSeconds()).setNanos(retryDelay.toNanosPart())).build()))
                .build());
    }

    private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
        @Override
        public void getTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> responses) {
            java.time.Duration delay = tenantLookupDelay;
            if (delay.isPositive()) {
                java.util.concurrent.CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> answerTenant(request, responses));
            } else {
                answerTenant(request, responses);
            }
        }

        private void answerTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> responses) {
            if (!tenants.contains(request.getTenantId())) {
                responses.onError(Status.NOT_FOUND.withDescription("tenant '" + request.getTenantId() + "' not found").asRuntimeException());
                return;
            }
            responses.onNext(GetTenantResponse.newBuilder().setTenant(tenant(request.getTenantId(), 3)).build());
            responses.onCompleted();
        }

        @Override
        public void createTenant(CreateTenantRequest request, StreamObserver<CreateTenantResponse> responses) {
            lastCreate = request;
            tenants.add(request.getTenantId());
            responses.onNext(CreateTenantResponse.newBuilder().setTenant(tenant(request.getTenantId(), request.getReplicationFactor())).build());
            responses.onCompleted();
        }

        private static Tenant tenant(String id, int replicationFactor) {
            return Tenant.newBuilder().setTenantId(id).setReplicationFactor(replicationFactor).build();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
