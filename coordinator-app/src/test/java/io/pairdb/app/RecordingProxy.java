package io.pairdb.app;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.DeleteRangeResponse;
import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.RangeDigestResponse;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import io.pairdb.proto.storage.v1.VectorClock;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteBatchResponse;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stands between the coordinator and one storage node and forwards every storage call, writing
 * down each {@code Write} the node acknowledged: the node's answer, not the coordinator's, is what
 * a test of the node's durability must check against. The coordinator registers the node at the
 * proxy's port; the node behind it may be killed and restarted on its own port.
 */
final class RecordingProxy implements AutoCloseable {

    /** A write the node answered OK, and the version it said it then held. */
    record Acknowledged(String tenantId, String key, VectorClock clock) {
    }

    private final ManagedChannel node;
    private final Server server;
    private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();

    RecordingProxy(int proxyPort, int nodePort) {
        this.node = ManagedChannelBuilder.forAddress("127.0.0.1", nodePort).usePlaintext().build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", proxyPort))
                .addService(new Forwarder()).build();
        try {
            server.start();
        } catch (IOException e) {
            node.shutdownNow();
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        node.shutdownNow();
    }

    private final class Forwarder extends StorageNodeServiceGrpc.StorageNodeServiceImplBase {
        private StorageNodeServiceGrpc.StorageNodeServiceFutureStub stub() {
            // the node was reset and is back: reconnect at once rather than after gRPC's backoff
            node.resetConnectBackoff();
            return StorageNodeServiceGrpc.newFutureStub(node).withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        @Override
        public void write(WriteRequest request, StreamObserver<WriteResponse> observer) {
            forward(stub().write(request), observer, response -> acknowledged.add(
                    new Acknowledged(request.getTenantId(), request.getKey(), response.getCurrent().getVectorClock())));
        }

        @Override
        public void read(ReadRequest request, StreamObserver<ReadResponse> observer) {
            forward(stub().read(request), observer, response -> { });
        }

        @Override
        public void delete(DeleteRequest request, StreamObserver<WriteResponse> observer) {
            forward(stub().delete(request), observer, response -> { });
        }

        @Override
        public void repair(RepairRequest request, StreamObserver<WriteResponse> observer) {
            forward(stub().repair(request), observer, response -> { });
        }

        @Override
        public void writeBatch(WriteBatchRequest request, StreamObserver<WriteBatchResponse> observer) {
            forward(stub().writeBatch(request), observer, response -> { });
        }

        @Override
        public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
            forward(stub().deleteRange(request), observer, response -> { });
        }

        @Override
        public void rangeDigest(RangeDigestRequest request, StreamObserver<RangeDigestResponse> observer) {
            forward(stub().rangeDigest(request), observer, response -> { });
        }

        @Override
        public void health(HealthRequest request, StreamObserver<HealthResponse> observer) {
            forward(stub().health(request), observer, response -> { });
        }

        @Override
        public void streamRange(StreamRangeRequest request, StreamObserver<StreamRangeResponse> observer) {
            StorageNodeServiceGrpc.newStub(node).withDeadlineAfter(60, TimeUnit.SECONDS).streamRange(request, observer);
        }

        private <T> void forward(ListenableFuture<T> call, StreamObserver<T> observer, Consumer<T> onOk) {
            Futures.addCallback(call, new FutureCallback<>() {
                @Override
                public void onSuccess(T response) {
                    onOk.accept(response);
                    observer.onNext(response);
                    observer.onCompleted();
                }

                @Override
                public void onFailure(Throwable error) {
                    observer.onError(error);
                }
            }, MoreExecutors.directExecutor());
        }
    }

}
