package io.pairdb.adapters.storage;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.WriteRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The storage contract over gRPC: one long-lived channel per node (gRPC multiplexes every
 * request over it), re-created only when the node's address changes. The futures complete on
 * the channel's Netty event loop, so whatever is chained onto them must not block.
 */
public final class GrpcStorageNodes implements StorageNodes, StorageHealth, AutoCloseable {
    private record Connection(ManagedChannel channel, StorageNodeServiceGrpc.StorageNodeServiceFutureStub stub) {
    }

    private final StorageNodeTls tls;
    private final NodeChannels<Connection> connections = new NodeChannels<>(this::open,
            channel -> new Connection(channel, StorageNodeServiceGrpc.newFutureStub(channel)));

    /** Plaintext channels. */
    public GrpcStorageNodes() {
        this(StorageNodeTls.plaintext());
    }

    /** Channels secured as {@code tls} says; the caller closes {@code tls} after this. */
    public GrpcStorageNodes(StorageNodeTls tls) {
        this.tls = java.util.Objects.requireNonNull(tls, "tls");
    }

    @Override
    public CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                            Duration timeout) {
        WriteRequest request = WriteRequest.newBuilder()
                .setTenantId(tenant.value()).setKey(key).setToken(token.value())
                .setVersion(StorageProtoMapper.toProto(version)).build();
        return call(node, "write", timeout, stub -> stub.write(request),
                response -> StorageProtoMapper.fromProto(response.getOutcome()));
    }

    @Override
    public CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout) {
        ReadRequest request = ReadRequest.newBuilder().setTenantId(tenant.value()).setKey(key).build();
        return call(node, "read", timeout, stub -> stub.read(request),
                response -> response.getFound()
                        ? Optional.of(StorageProtoMapper.fromProto(response.getVersion()))
                        : Optional.empty());
    }

    @Override
    public CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                             Duration timeout) {
        RepairRequest request = RepairRequest.newBuilder()
                .setTenantId(tenant.value()).setKey(key).setToken(token.value())
                .setVersion(StorageProtoMapper.toProto(version)).build();
        return call(node, "repair", timeout, stub -> stub.repair(request),
                response -> StorageProtoMapper.fromProto(response.getOutcome()));
    }

    @Override
    public CompletableFuture<Void> probe(StorageNode node, Duration timeout) {
        ManagedChannel channel;
        try {
            channel = connection(node).channel();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failure(node, "health", e));
        }
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            // gRPC waits up to two minutes between reconnects to a node that was away; the failure
            // detector's probes are the pace at which a node that came back should be found again.
            // This probe still fails fast (a dead node is found DOWN quickly); the next one sees the reconnect.
            channel.resetConnectBackoff();
        }
        return call(node, "health", timeout, stub -> stub.health(HealthRequest.getDefaultInstance()),
                response -> {
                    if (!response.getServing()) {
                        throw new IllegalStateException("the node answers that it is not serving");
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Report> report(StorageNode node, Duration timeout) {
        return call(node, "health", timeout, stub -> stub.health(HealthRequest.getDefaultInstance()),
                response -> new Report(response.getKeyCount(), response.getTombstoneGcGraceMs() > 0
                        ? Optional.of(Duration.ofMillis(response.getTombstoneGcGraceMs())) : Optional.empty()));
    }

    @Override
    public CompletableFuture<Long> keyCount(StorageNode node, Duration timeout) {
        return call(node, "health", timeout, stub -> stub.health(HealthRequest.getDefaultInstance()),
                response -> response.getKeyCount());
    }

    private <R, T> CompletableFuture<T> call(StorageNode node, String what, Duration timeout,
                                             Function<StorageNodeServiceGrpc.StorageNodeServiceFutureStub, ListenableFuture<R>> rpc,
                                             Function<R, T> mapper) {
        CompletableFuture<T> result = new CompletableFuture<>();
        ListenableFuture<R> pending;
        try {
            var stub = connection(node).stub().withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            // Not the caller's context: that is the client's request, cancelled once it is answered, while
            // replica writes still in flight and read repairs must outlive the answer. Deadlines are our own.
            Context previous = Context.ROOT.attach();
            try {
                pending = rpc.apply(stub);
            } finally {
                Context.ROOT.detach(previous);
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(failure(node, what, e));
            return result;
        }
        Futures.addCallback(pending, new FutureCallback<>() {
            @Override
            public void onSuccess(R response) {
                try {
                    result.complete(mapper.apply(response));
                } catch (RuntimeException e) {
                    result.completeExceptionally(failure(node, what, e));
                }
            }

            @Override
            public void onFailure(Throwable error) {
                result.completeExceptionally(failure(node, what, error));
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    private static PairDbException failure(StorageNode node, String what, Throwable error) {
        return StorageCallFailures.failure(node, what, error);
    }

    private Connection connection(StorageNode node) {
        return connections.of(node);
    }

    private ManagedChannel open(StorageNode node) {
        // Answers complete the returned futures on the channel's event loop, without a hand-off to a
        // pool thread: what the core chains onto them never blocks (hints and replays go through the
        // scheduler).
        return tls.channelTo(node)
                .directExecutor()
                // the quorum, spare reads and hints are the retry policy; gRPC's retry machinery
                // (buffering every call for a possible transparent retry) only costs here
                .disableRetry()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    @Override
    public void close() {
        connections.close();
    }
}
