package io.pairdb.adapters.storage;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.DeleteRangeResponse;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.RangeDigestsRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StreamPosition;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteBatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code StreamRange}, {@code WriteBatch}, {@code RangeDigest} and {@code DeleteRange} over gRPC, on channels of their own: bulk range
 * copies then queue behind each other rather than behind (or in front of) client requests on
 * the data path's channels. A scan reads one response message at a time (the stream's inbound
 * flow control), so the coordinator holds at most a batch or two of a range in memory.
 */
public final class GrpcStorageRanges implements StorageRanges, AutoCloseable {
    private final NodeChannels<ManagedChannel> channels;

    /** Plaintext channels. */
    public GrpcStorageRanges() {
        this(StorageNodeTls.plaintext());
    }

    /** Channels secured as {@code tls} says; the caller closes {@code tls} after this. */
    public GrpcStorageRanges(StorageNodeTls tls) {
        channels = new NodeChannels<>(node -> tls.channelTo(node).maxInboundMessageSize(64 * 1024 * 1024).build(),
                channel -> channel);
    }

    @Override
    public Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after,
                     int batchSize) {
        return scan(node, range, tenant, after, batchSize, false);
    }

    @Override
    public Scan scanClocks(StorageNode node, TokenRange range, TenantId tenant, int batchSize) {
        return scan(node, range, Optional.of(tenant), Optional.empty(), batchSize, true);
    }

    private Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after,
                      int batchSize, boolean withoutValues) {
        StreamRangeRequest.Builder request = StreamRangeRequest.newBuilder()
                .setWithoutValues(withoutValues)
                .setRange(io.pairdb.proto.storage.v1.TokenRange.newBuilder()
                        .setStartExclusive(range.start().value()).setEndInclusive(range.end().value()))
                .setBatchSize(batchSize);
        tenant.ifPresent(t -> request.setTenantId(t.value()));
        after.ifPresent(p -> request.setAfter(StreamPosition.newBuilder()
                .setToken(p.token().value()).setTenantId(p.tenant().value()).setKey(p.key())));
        GrpcScan scan = new GrpcScan(node);
        try {
            var stub = StorageNodeServiceGrpc.newStub(channel(node));
            // our own context: a scan outlives whatever request thread opened it
            Context.ROOT.run(() -> stub.streamRange(request.build(), scan));
        } catch (RuntimeException e) {
            scan.failed(e);
        }
        return scan;
    }

    @Override
    public CompletableFuture<BatchApplied> writeBatch(StorageNode node, List<StorageRanges.Entry> entries, Duration timeout) {
        WriteBatchRequest.Builder request = WriteBatchRequest.newBuilder();
        for (StorageRanges.Entry e : entries) {
            request.addEntries(io.pairdb.proto.storage.v1.Entry.newBuilder().setTenantId(e.tenant().value()).setKey(e.key())
                    .setToken(e.token().value()).setVersion(StorageProtoMapper.toProto(e.version())));
        }
        CompletableFuture<BatchApplied> result = new CompletableFuture<>();
        ListenableFuture<WriteBatchResponse> pending;
        try {
            var stub = StorageNodeServiceGrpc.newFutureStub(channel(node))
                    .withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            Context previous = Context.ROOT.attach();
            try {
                pending = stub.writeBatch(request.build());
            } finally {
                Context.ROOT.detach(previous);
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(failure(node, "batch write", e));
            return result;
        }
        Futures.addCallback(pending, new FutureCallback<>() {
            @Override
            public void onSuccess(WriteBatchResponse r) {
                result.complete(new BatchApplied(r.getApplied(), r.getIgnored(), r.getMerged()));
            }

            @Override
            public void onFailure(Throwable error) {
                result.completeExceptionally(failure(node, "batch write", error));
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    @Override
    public CompletableFuture<Digest> digest(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        RangeDigestRequest request = RangeDigestRequest.newBuilder().setRange(toProto(range)).setTenantId(tenant.value())
                .build();
        return unary(node, "range digest", timeout, stub -> stub.rangeDigest(request),
                r -> new Digest(HexFormat.of().formatHex(r.getDigest().toByteArray()), r.getKeyCount()));
    }

    @Override
    public CompletableFuture<List<Digest>> digests(StorageNode node, TokenRange range, TenantId tenant,
                                                   List<Token> splitAfter, Duration timeout) {
        RangeDigestsRequest.Builder request = RangeDigestsRequest.newBuilder().setRange(toProto(range))
                .setTenantId(tenant.value());
        splitAfter.forEach(split -> request.addSplitAfter(split.value()));
        return unary(node, "range digests", timeout, stub -> stub.rangeDigests(request.build()),
                r -> r.getDigestsList().stream()
                        .map(d -> new Digest(HexFormat.of().formatHex(d.getDigest().toByteArray()), d.getKeyCount()))
                        .toList());
    }

    @Override
    public CompletableFuture<Optional<String>> dataId(StorageNode node, Duration timeout) {
        return unary(node, "health", timeout, stub -> stub.health(HealthRequest.getDefaultInstance()),
                r -> r.getDataId().isEmpty() ? Optional.empty() : Optional.of(r.getDataId()));
    }

    @Override
    public CompletableFuture<Long> deleteRange(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setRange(toProto(range)).setTenantId(tenant.value())
                .build();
        return unary(node, "range delete", timeout, stub -> stub.deleteRange(request), DeleteRangeResponse::getDeleted);
    }

    private static io.pairdb.proto.storage.v1.TokenRange toProto(TokenRange range) {
        return io.pairdb.proto.storage.v1.TokenRange.newBuilder().setStartExclusive(range.start().value())
                .setEndInclusive(range.end().value()).build();
    }

    /** One unary call on the range channel, outside any caller's gRPC context, bounded by {@code timeout}. */
    private <R, T> CompletableFuture<T> unary(StorageNode node, String what, Duration timeout,
                                              Function<StorageNodeServiceGrpc.StorageNodeServiceFutureStub,
                                                      ListenableFuture<R>> call, Function<R, T> answer) {
        CompletableFuture<T> result = new CompletableFuture<>();
        ListenableFuture<R> pending;
        try {
            var stub = StorageNodeServiceGrpc.newFutureStub(channel(node))
                    .withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            Context previous = Context.ROOT.attach();
            try {
                pending = call.apply(stub);
            } finally {
                Context.ROOT.detach(previous);
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(failure(node, what, e));
            return result;
        }
        Futures.addCallback(pending, new FutureCallback<>() {
            @Override
            public void onSuccess(R r) {
                result.complete(answer.apply(r));
            }

            @Override
            public void onFailure(Throwable error) {
                result.completeExceptionally(failure(node, what, error));
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    /** One scan: responses queue up here, one requested at a time. */
    private static final class GrpcScan implements Scan, ClientResponseObserver<StreamRangeRequest, StreamRangeResponse> {
        private sealed interface Item {
        }

        private record Batch(StreamRangeResponse response) implements Item {
        }

        private record End() implements Item {
        }

        private record Failure(Throwable error) implements Item {
        }

        private final StorageNode node;
        private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
        private volatile ClientCallStreamObserver<StreamRangeRequest> call;
        private boolean over;

        GrpcScan(StorageNode node) {
            this.node = node;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<StreamRangeRequest> requestStream) {
            this.call = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(StreamRangeResponse response) {
            items.add(new Batch(response));
        }

        @Override
        public void onError(Throwable error) {
            items.add(new Failure(error));
        }

        @Override
        public void onCompleted() {
            items.add(new End());
        }

        void failed(Throwable error) {
            items.add(new Failure(error));
        }

        @Override
        public Optional<List<StorageRanges.Entry>> next(Duration timeout) {
            if (over) {
                throw new IllegalStateException("the scan of node " + node.id() + " is over");
            }
            Item item;
            try {
                item = items.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new PairDbException("node " + node.id(), "interrupted while scanning node " + node.id(), e);
            }
            switch (item) {
                case null -> {
                    close();
                    throw new PairDbException("node " + node.id(), "range scan on storage node " + node.id() + " ("
                            + node.address() + ") sent nothing within " + timeout);
                }
                case Batch batch -> {
                    if (call != null) {
                        call.request(1);
                    }
                    List<StorageRanges.Entry> entries = new ArrayList<>(batch.response().getEntriesCount());
                    for (io.pairdb.proto.storage.v1.Entry e : batch.response().getEntriesList()) {
                        entries.add(new StorageRanges.Entry(new TenantId(e.getTenantId()), e.getKey(),
                                new Token(e.getToken()), StorageProtoMapper.fromProto(e.getVersion())));
                    }
                    return Optional.of(entries);
                }
                case End end -> {
                    over = true;
                    return Optional.empty();
                }
                case Failure failure -> {
                    over = true;
                    throw failure(node, "range scan", failure.error());
                }
            }
        }

        @Override
        public void close() {
            if (!over) {
                over = true;
                if (call != null) {
                    call.cancel("the coordinator stopped reading the scan", null);
                }
            }
        }
    }

    private static PairDbException failure(StorageNode node, String what, Throwable error) {
        return StorageCallFailures.failure(node, what, error);
    }

    private ManagedChannel channel(StorageNode node) {
        return channels.of(node);
    }

    @Override
    public void close() {
        channels.close();
    }
}
