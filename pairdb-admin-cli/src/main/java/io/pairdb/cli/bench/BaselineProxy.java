package io.pairdb.cli.bench;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.pairdb.cli.CoordinatorAddress;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc.StorageNodeServiceStub;
import io.pairdb.proto.storage.v1.VectorClock;
import io.pairdb.proto.storage.v1.VectorClockEntry;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The speed-of-light reference for a coordinator: a gRPC server with the coordinator's data-plane
 * API that sends each request the same storage calls, to the same storage nodes, with none of the
 * coordinator's logic (no tenants, ring, idempotency, hints, repair; no PostgreSQL or Redis).
 *
 * <ul>
 *   <li>a write reads the key from one node (round-robin over the nodes; the next one if that
 *       fails), or takes the request's causal context instead, then writes a version whose clock dominates it to every node,
 *       and answers once the consistency level's count of nodes has acknowledged (2 of 3 at quorum);
 *   <li>a read reads every node and answers with the newest version once that count has answered.
 * </ul>
 *
 * Every node is a replica of every key. Event loops run every step: no thread hops, no blocking.
 */
public final class BaselineProxy implements AutoCloseable {

    /** The proxy's entry in the vector clocks it writes. */
    static final String NODE_ID = "baseline-proxy";
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final long SHUTDOWN_GRACE_SECONDS = 5;

    private final Server server;
    private final List<ManagedChannel> channels;

    private BaselineProxy(Server server, List<ManagedChannel> channels) {
        this.server = server;
        this.channels = channels;
    }

    /**
     * Starts serving on {@code listen} (port 0: any free one).
     *
     * @throws IOException when it cannot listen there
     */
    public static BaselineProxy start(InetSocketAddress listen, List<CoordinatorAddress> nodes) throws IOException {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("the proxy needs at least one storage node");
        }
        List<ManagedChannel> channels = new ArrayList<>();
        List<StorageNodeServiceStub> stubs = new ArrayList<>();
        for (CoordinatorAddress node : nodes) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(node.host(), node.port())
                    .usePlaintext()
                    .directExecutor()
                    // the quorum is the retry policy; gRPC's own retry support costs every call
                    .disableRetry()
                    .build();
            channels.add(channel);
            stubs.add(StorageNodeServiceGrpc.newStub(channel));
        }
        Server server;
        try {
            server = NettyServerBuilder.forAddress(listen)
                    .directExecutor()
                    .addService(new FanOut(stubs))
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            channels.forEach(ManagedChannel::shutdownNow);
            throw e;
        }
        return new BaselineProxy(server, channels);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static final class FanOut extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {
        private final List<StorageNodeServiceStub> nodes;
        private final AtomicInteger nextReader = new AtomicInteger();
        private final AtomicLong lastTick = new AtomicLong();
        private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(FanOut::newSha256);

        FanOut(List<StorageNodeServiceStub> nodes) {
            this.nodes = List.copyOf(nodes);
        }

        @Override
        public void writeKeyValue(WriteKeyValueRequest request, StreamObserver<WriteKeyValueResponse> answer) {
            Consistency consistency = consistency(request.getConsistency(), answer);
            if (consistency == null) {
                return;
            }
            // Storage calls must outlive the client's call (the straggler write), as in the coordinator.
            Context previous = Context.ROOT.attach();
            try {
                if (request.hasCausalContext()) {
                    writeAll(request, consistency, toStorage(request.getCausalContext()), 0, answer);
                    return;
                }
                readThenWriteAll(request, consistency, Math.floorMod(nextReader.getAndIncrement(), nodes.size()), 1, answer);
            } finally {
                Context.ROOT.detach(previous);
            }
        }

        /** Reads the key from one node, the next one if that fails, then writes every node. */
        private void readThenWriteAll(WriteKeyValueRequest request, Consistency consistency, int node, int attempt,
                                      StreamObserver<WriteKeyValueResponse> answer) {
            nodes.get(node).withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).read(
                    ReadRequest.newBuilder().setTenantId(request.getTenantId()).setKey(request.getKey()).build(),
                    new Unary<>() {
                        @Override
                        void succeeded(ReadResponse current) {
                            Version base = current.getFound() ? current.getVersion() : Version.getDefaultInstance();
                            writeAll(request, consistency, base.getVectorClock(), base.getTimestampMs(), answer);
                        }

                        @Override
                        void failed(Throwable error) {
                            if (attempt < nodes.size()) {
                                readThenWriteAll(request, consistency, (node + 1) % nodes.size(), attempt + 1, answer);
                                return;
                            }
                            answer.onError(Status.UNAVAILABLE
                                    .withDescription("read-before-write failed on every node: " + Status.fromThrowable(error))
                                    .asRuntimeException());
                        }
                    });
        }

        private void writeAll(WriteKeyValueRequest request, Consistency consistency, VectorClock base, long baseTimestampMs,
                              StreamObserver<WriteKeyValueResponse> answer) {
            VectorClock clock = successor(base);
            long timestampMs = Math.max(System.currentTimeMillis(), baseTimestampMs + 1);
            WriteRequest write = WriteRequest.newBuilder()
                    .setTenantId(request.getTenantId())
                    .setKey(request.getKey())
                    .setToken(token(request.getTenantId(), request.getKey()))
                    .setVersion(Version.newBuilder().setValue(request.getValue()).setVectorClock(clock).setTimestampMs(timestampMs))
                    .build();
            int required = consistency.required(nodes.size());
            Quorum quorum = new Quorum(required, nodes.size());
            for (StorageNodeServiceStub node : nodes) {
                node.withDeadlineAfter(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).write(write, new Unary<WriteResponse>() {
                    @Override
                    void succeeded(WriteResponse response) {
                        if (quorum.succeeded()) {
                            answer.onNext(WriteKeyValueResponse.newBuilder()
                                    .setSuccess(true)
                                    .setKey(request.getKey())
                                    .setIdempotencyKey(request.getIdempotencyKey())
                                    .setVectorClock(toCoordinator(clock))
                                    .setReplicaCount(required)
                                    .setConsistency(consistency.wireValue())
                                    .setTimestampMs(timestampMs)
                                    .build());
                            answer.onCompleted();
                        }
                    }

                    @Override
                    void failed(Throwable error) {
                        if (quorum.failed()) {
                            answer.onError(Status.UNAVAILABLE
                                    .withDescription("write reached fewer than " + required + " nodes: " + Status.fromThrowable(error))
                                    .asRuntimeException());
                        }
                    }
                });
            }
        }

        @Override
        public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> answer) {
            Consistency consistency = consistency(request.getConsistency(), answer);
            if (consistency == null) {
                return;
            }
            int required = consistency.required(nodes.size());
            Quorum quorum = new Quorum(required, nodes.size());
            Newest newest = new Newest();
            ReadRequest read = ReadRequest.newBuilder().setTenantId(request.getTenantId()).setKey(request.getKey()).build();
            Context previous = Context.ROOT.attach();
            try {
                for (StorageNodeServiceStub node : nodes) {
                    node.withDeadlineAfter(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).read(read, new Unary<ReadResponse>() {
                        @Override
                        void succeeded(ReadResponse response) {
                            newest.offer(response);
                            if (!quorum.succeeded()) {
                                return;
                            }
                            Version version = newest.get();
                            if (version == null || version.getTombstone()) {
                                answer.onError(Status.NOT_FOUND.withDescription("key '" + request.getKey() + "' not found")
                                        .asRuntimeException());
                                return;
                            }
                            answer.onNext(ReadKeyValueResponse.newBuilder()
                                    .setSuccess(true)
                                    .setKey(request.getKey())
                                    .setValue(version.getValue())
                                    .setVectorClock(toCoordinator(version.getVectorClock()))
                                    .setTimestampMs(version.getTimestampMs())
                                    .setReplicaCount(required)
                                    .setConsistency(consistency.wireValue())
                                    .build());
                            answer.onCompleted();
                        }

                        @Override
                        void failed(Throwable error) {
                            if (quorum.failed()) {
                                answer.onError(Status.UNAVAILABLE
                                        .withDescription("read answered by fewer than " + required + " nodes: " + Status.fromThrowable(error))
                                        .asRuntimeException());
                            }
                        }
                    });
                }
            } finally {
                Context.ROOT.detach(previous);
            }
        }

        private static Consistency consistency(String requested, StreamObserver<?> answer) {
            try {
                return Consistency.fromWire(requested);
            } catch (IllegalArgumentException e) {
                answer.onError(Status.INVALID_ARGUMENT.withDescription("unknown consistency '" + requested + "'").asRuntimeException());
                return null;
            }
        }

        /** The base clock with this proxy's entry set above anything it issued before and above the base's. */
        private VectorClock successor(VectorClock base) {
            long baseTick = 0;
            VectorClock.Builder clock = VectorClock.newBuilder();
            for (VectorClockEntry entry : base.getEntriesList()) {
                if (entry.getCoordinatorNodeId().equals(NODE_ID)) {
                    baseTick = entry.getLogicalTimestamp();
                } else {
                    clock.addEntries(entry);
                }
            }
            long floor = Math.max(baseTick, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()) - 1);
            long tick = lastTick.updateAndGet(last -> Math.max(last, floor) + 1);
            return clock.addEntries(VectorClockEntry.newBuilder().setCoordinatorNodeId(NODE_ID).setLogicalTimestamp(tick)).build();
        }

        /** The key's ring token as the coordinator computes it: SHA-256 of {@code tenant:key}, first 8 bytes. */
        private long token(String tenant, String key) {
            MessageDigest digest = sha256.get();
            digest.reset();
            return ByteBuffer.wrap(digest.digest((tenant + ":" + key).getBytes(StandardCharsets.UTF_8))).getLong();
        }

        private static MessageDigest newSha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK provides SHA-256", e);
            }
        }
    }

    private static VectorClock toStorage(io.pairdb.proto.coordinator.v1.VectorClock clock) {
        VectorClock.Builder storage = VectorClock.newBuilder();
        for (var entry : clock.getEntriesList()) {
            storage.addEntries(VectorClockEntry.newBuilder()
                    .setCoordinatorNodeId(entry.getCoordinatorNodeId())
                    .setLogicalTimestamp(entry.getLogicalTimestamp()));
        }
        return storage.build();
    }

    private static io.pairdb.proto.coordinator.v1.VectorClock toCoordinator(VectorClock clock) {
        var coordinator = io.pairdb.proto.coordinator.v1.VectorClock.newBuilder();
        for (VectorClockEntry entry : clock.getEntriesList()) {
            coordinator.addEntries(io.pairdb.proto.coordinator.v1.VectorClockEntry.newBuilder()
                    .setCoordinatorNodeId(entry.getCoordinatorNodeId())
                    .setLogicalTimestamp(entry.getLogicalTimestamp()));
        }
        return coordinator.build();
    }

    /**
     * Counts answers of one fan-out; the answer that decides it gets true, once. Both cannot
     * happen: that would take {@code required + (nodes - required + 1)} answers from {@code nodes} calls.
     */
    private static final class Quorum {
        private final int required;
        private final int tolerated;
        private final AtomicInteger successes = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();

        Quorum(int required, int nodes) {
            this.required = required;
            this.tolerated = nodes - required;
        }

        boolean succeeded() {
            return successes.incrementAndGet() == required;
        }

        boolean failed() {
            return failures.incrementAndGet() == tolerated + 1;
        }
    }

    /** The newest version among the answers so far, by timestamp; null when none holds the key. */
    private static final class Newest {
        private Version newest;

        synchronized void offer(ReadResponse response) {
            if (response.getFound() && (newest == null || response.getVersion().getTimestampMs() > newest.getTimestampMs())) {
                newest = response.getVersion();
            }
        }

        synchronized Version get() {
            return newest;
        }
    }

    /** A unary call's callback in two halves. */
    private abstract static class Unary<R> implements StreamObserver<R> {
        private R response;

        abstract void succeeded(R response);

        abstract void failed(Throwable error);

        @Override
        public void onNext(R value) {
            response = value;
        }

        @Override
        public void onError(Throwable error) {
            failed(error);
        }

        @Override
        public void onCompleted() {
            succeeded(response);
        }
    }
}
