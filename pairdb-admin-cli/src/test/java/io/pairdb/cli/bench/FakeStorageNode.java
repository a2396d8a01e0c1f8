package io.pairdb.cli.bench;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pairdb.cli.CoordinatorAddress;
import io.pairdb.proto.storage.v1.ApplyOutcome;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** A storage node that keeps the last version written per key, or fails every call when told to. */
final class FakeStorageNode implements AutoCloseable {

    final ConcurrentHashMap<String, Version> versions = new ConcurrentHashMap<>();
    final LongAdder writes = new LongAdder();
    final LongAdder reads = new LongAdder();
    private volatile boolean failing;
    private final Server server;

    private FakeStorageNode() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .directExecutor()
                .addService(new Endpoint())
                .build()
                .start();
    }

    static FakeStorageNode start() throws IOException {
        return new FakeStorageNode();
    }

    /** From now on every call fails with UNAVAILABLE, as from a node that is down. */
    void fail() {
        failing = true;
    }

    CoordinatorAddress address() {
        return new CoordinatorAddress(InetAddress.getLoopbackAddress().getHostAddress(), server.getPort());
    }

    private final class Endpoint extends StorageNodeServiceGrpc.StorageNodeServiceImplBase {
        @Override
        public void write(WriteRequest request, StreamObserver<WriteResponse> responses) {
            if (failing) {
                responses.onError(Status.UNAVAILABLE.withDescription("node down").asRuntimeException());
                return;
            }
            writes.increment();
            versions.put(request.getTenantId() + "/" + request.getKey(), request.getVersion());
            responses.onNext(WriteResponse.newBuilder().setOutcome(ApplyOutcome.APPLY_OUTCOME_APPLIED)
                    .setCurrent(request.getVersion()).build());
            responses.onCompleted();
        }

        @Override
        public void read(ReadRequest request, StreamObserver<ReadResponse> responses) {
            if (failing) {
                responses.onError(Status.UNAVAILABLE.withDescription("node down").asRuntimeException());
                return;
            }
            reads.increment();
            Version version = versions.get(request.getTenantId() + "/" + request.getKey());
            responses.onNext(version == null
                    ? ReadResponse.newBuilder().setFound(false).build()
                    : ReadResponse.newBuilder().setFound(true).setVersion(version).build());
            responses.onCompleted();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
