package io.pairdb.storage.server;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pairdb.core.version.ConditionalApply;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.DeleteRangeResponse;
import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.RangeDigestResponse;
import io.pairdb.proto.storage.v1.RangeDigestsRequest;
import io.pairdb.proto.storage.v1.RangeDigestsResponse;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteBatchResponse;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code pairdb.storage.v1.StorageNodeService} over a {@link StorageEngine}: validates each request,
 * calls the engine, and answers. The same for every storage node implementation.
 */
public final class StorageNodeEndpoint extends StorageNodeServiceGrpc.StorageNodeServiceImplBase {

    public static final int DEFAULT_BATCH_SIZE = 500;
    /** The most sub-ranges one RangeDigests call may cut a range into, less one. */
    public static final int MAX_SPLITS = 4096;

    private final StorageEngine store;
    private final Supplier<NodeHealth> health;
    private final CallCounts stats;
    private final CallGate gate;

    public StorageNodeEndpoint(StorageEngine store, Supplier<NodeHealth> health, CallCounts stats, CallGate gate) {
        this.store = Objects.requireNonNull(store);
        this.health = Objects.requireNonNull(health);
        this.stats = Objects.requireNonNull(stats);
        this.gate = Objects.requireNonNull(gate);
    }

    @Override
    public void write(WriteRequest request, StreamObserver<WriteResponse> observer) {
        gate.unary(CallKind.WRITE, observer, () -> {
            StoredEntry entry = entry(request.getTenantId(), request.getKey(), request.getToken(),
                    request.hasVersion(), request.getVersion());
            stats.recordWrites(1);
            return Protos.toProto(store.apply(entry));
        });
    }

    @Override
    public void read(ReadRequest request, StreamObserver<ReadResponse> observer) {
        gate.unary(CallKind.QUERY, observer, () -> {
            Protos.require(!request.getTenantId().isEmpty(), "tenant_id is required");
            Protos.require(!request.getKey().isEmpty(), "key is required");
            stats.recordRead();
            return store.get(request.getTenantId(), request.getKey())
                    .map(version -> ReadResponse.newBuilder().setFound(true).setVersion(Protos.toProto(version)))
                    .orElseGet(() -> ReadResponse.newBuilder().setFound(false))
                    .build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<WriteResponse> observer) {
        gate.unary(CallKind.WRITE, observer, () -> {
            Protos.require(request.hasVectorClock(), "vector_clock is required");
            Protos.require(request.getTimestampMs() >= 0, "timestamp_ms must not be negative");
            StoredVersion tombstone = StoredVersion.tombstone(
                    Protos.clock("vector_clock.", request.getVectorClock()), request.getTimestampMs());
            StoredEntry entry = Protos.entry("", request.getTenantId(), request.getKey(), request.getToken(), tombstone);
            stats.recordWrites(1);
            return Protos.toProto(store.apply(entry));
        });
    }

    @Override
    public void repair(RepairRequest request, StreamObserver<WriteResponse> observer) {
        gate.unary(CallKind.WRITE, observer, () -> {
            StoredEntry entry = entry(request.getTenantId(), request.getKey(), request.getToken(),
                    request.hasVersion(), request.getVersion());
            stats.recordRepair();
            return Protos.toProto(store.apply(entry));
        });
    }

    @Override
    public void streamRange(StreamRangeRequest request, StreamObserver<StreamRangeResponse> observer) {
        RangeStreamer streamer = new RangeStreamer((ServerCallStreamObserver<StreamRangeResponse>) observer);
        gate.run(CallKind.STREAM, observer, () -> {
            TokenRange range = Protos.range(request.hasRange(), request.getRange());
            Protos.require(request.getBatchSize() >= 0, "batch_size must not be negative");
            Optional<Position> after = request.hasAfter()
                    ? Optional.of(Protos.position(range, request.getAfter()))
                    : Optional.empty();
            int batchSize = request.getBatchSize() == 0 ? DEFAULT_BATCH_SIZE : request.getBatchSize();
            EntryScan entries = store.scan(range, Protos.tenantFilter(request.getTenantId()), after);
            streamer.start(request.getWithoutValues() ? withoutValues(entries) : entries, batchSize);
        });
    }

    @Override
    public void writeBatch(WriteBatchRequest request, StreamObserver<WriteBatchResponse> observer) {
        gate.unary(CallKind.WRITE, observer, () -> {
            // Validate everything first so a malformed batch changes nothing.
            List<StoredEntry> entries = new ArrayList<>(request.getEntriesCount());
            for (int i = 0; i < request.getEntriesCount(); i++) {
                entries.add(Protos.entry("entries[" + i + "].", request.getEntries(i)));
            }
            int[] counts = new int[ConditionalApply.Outcome.values().length];
            for (ApplyResult result : store.applyAll(entries)) {
                counts[result.outcome().ordinal()]++;
            }
            stats.recordWrites(entries.size());
            return WriteBatchResponse.newBuilder()
                    .setApplied(counts[ConditionalApply.Outcome.APPLIED.ordinal()])
                    .setIgnored(counts[ConditionalApply.Outcome.IGNORED.ordinal()])
                    .setMerged(counts[ConditionalApply.Outcome.MERGED.ordinal()])
                    .build();
        });
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        gate.unary(CallKind.CLEANUP, request.getTenantId(), observer, () -> {
            TokenRange range = Protos.range(request.hasRange(), request.getRange());
            long deleted = store.deleteRange(range, Protos.tenantFilter(request.getTenantId()));
            return DeleteRangeResponse.newBuilder().setDeleted(deleted).build();
        });
    }

    @Override
    public void rangeDigest(RangeDigestRequest request, StreamObserver<RangeDigestResponse> observer) {
        gate.unary(CallKind.QUERY, observer, () -> {
            TokenRange range = Protos.range(request.hasRange(), request.getRange());
            RangeDigest digest = store.digest(range, Protos.tenantFilter(request.getTenantId()));
            return RangeDigestResponse.newBuilder()
                    .setDigest(digest.digest())
                    .setKeyCount(digest.keyCount())
                    .build();
        });
    }

    @Override
    public void rangeDigests(RangeDigestsRequest request, StreamObserver<RangeDigestsResponse> observer) {
        gate.unary(CallKind.QUERY, observer, () -> {
            TokenRange range = Protos.range(request.hasRange(), request.getRange());
            Protos.require(request.getSplitAfterCount() <= MAX_SPLITS,
                    "split_after holds " + request.getSplitAfterCount() + " tokens; at most " + MAX_SPLITS);
            List<RangeDigest> digests;
            try {
                digests = store.digests(range, Protos.tenantFilter(request.getTenantId()), request.getSplitAfterList());
            } catch (IllegalArgumentException e) {
                throw Protos.invalidArgument(e.getMessage());
            }
            RangeDigestsResponse.Builder response = RangeDigestsResponse.newBuilder();
            digests.forEach(digest -> response.addDigests(RangeDigestResponse.newBuilder()
                    .setDigest(digest.digest())
                    .setKeyCount(digest.keyCount())));
            return response.build();
        });
    }

    @Override
    public void health(HealthRequest request, StreamObserver<HealthResponse> observer) {
        gate.unary(CallKind.HEALTH, observer, () -> {
            NodeHealth now = health.get();
            return HealthResponse.newBuilder()
                    .setNodeId(now.nodeId())
                    // serving means "answers reads": a node that refuses writes (disk full) is still up
                    .setServing(true)
                    .setKeyCount(now.keyCount())
                    .setTombstoneGcGraceMs(now.tombstoneGcGrace().toMillis())
                    .setBytesOnDisk(now.bytesOnDisk())
                    .setWritesRefused(now.writesRefused().orElse(""))
                    .setDataId(now.dataId())
                    .build();
        });
    }

    /** The same scan with every value left out; clocks, timestamps and tombstone flags stay. */
    private static EntryScan withoutValues(EntryScan entries) {
        return new EntryScan() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public StoredEntry next() {
                StoredEntry entry = entries.next();
                StoredVersion version = entry.version();
                return entry.withVersion(new StoredVersion(ByteString.EMPTY, version.tombstone(), version.clock(),
                        version.timestampMs()));
            }

            @Override
            public void close() {
                entries.close();
            }
        };
    }

    private static StoredEntry entry(String tenantId, String key, long token, boolean hasVersion, Version version) {
        Protos.require(hasVersion, "version is required");
        return Protos.entry("", tenantId, key, token, Protos.version("version.", version));
    }
}
