package io.pairdb.cli;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueResponse;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.VectorClockEntry;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * A data plane that keeps one version per key, stamps it with a one-entry clock of
 * {@value #COORDINATOR_ID}, and answers retries of an idempotency key with the first answer.
 */
final class FakeDataPlane extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {

    static final String COORDINATOR_ID = "coord-1";
    static final long TIMESTAMP_MS = 1_735_689_600_123L; // 2025-01-01T00:00:00.123Z
    static final int REPLICAS = 3;

    private final Map<String, Stored> values = new HashMap<>();
    private final Map<String, WriteKeyValueResponse> writesByIdempotencyKey = new HashMap<>();
    private final Map<String, DeleteKeyValueResponse> deletesByIdempotencyKey = new HashMap<>();
    private long logicalTime;
    private StatusRuntimeException nextError;

    volatile WriteKeyValueRequest lastWrite;
    volatile ReadKeyValueRequest lastRead;
    volatile DeleteKeyValueRequest lastDelete;

    private record Stored(ByteString value, VectorClock clock) {
    }

    /** The next call fails with this error instead of being served. */
    synchronized void failNextWith(StatusRuntimeException error) {
        nextError = error;
    }

    synchronized void store(String tenantId, String key, byte[] value) {
        values.put(tenantId + "/" + key, new Stored(ByteString.copyFrom(value), nextClock()));
    }

    @Override
    public synchronized void writeKeyValue(WriteKeyValueRequest request, StreamObserver<WriteKeyValueResponse> responses) {
        lastWrite = request;
        if (failed(responses)) {
            return;
        }
        WriteKeyValueResponse first = writesByIdempotencyKey.get(request.getIdempotencyKey());
        if (first != null) {
            responses.onNext(first.toBuilder().setIsDuplicate(true).build());
            responses.onCompleted();
            return;
        }
        VectorClock clock = nextClock();
        values.put(request.getTenantId() + "/" + request.getKey(), new Stored(request.getValue(), clock));
        String idempotencyKey = request.getIdempotencyKey().isEmpty() ? "generated-" + logicalTime : request.getIdempotencyKey();
        WriteKeyValueResponse response = WriteKeyValueResponse.newBuilder()
                .setSuccess(true)
                .setKey(request.getKey())
                .setIdempotencyKey(idempotencyKey)
                .setVectorClock(clock)
                .setReplicaCount(REPLICAS)
                .setConsistency(consistency(request.getConsistency()))
                .setTimestampMs(TIMESTAMP_MS)
                .build();
        writesByIdempotencyKey.put(idempotencyKey, response);
        responses.onNext(response);
        responses.onCompleted();
    }

    @Override
    public synchronized void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> responses) {
        lastRead = request;
        if (failed(responses)) {
            return;
        }
        Stored stored = values.get(request.getTenantId() + "/" + request.getKey());
        if (stored == null) {
            responses.onError(ServerError.withReason(Status.Code.NOT_FOUND,
                    "key '" + request.getKey() + "' not found in tenant '" + request.getTenantId() + "'", "KEY_NOT_FOUND"));
            return;
        }
        responses.onNext(ReadKeyValueResponse.newBuilder()
                .setSuccess(true)
                .setKey(request.getKey())
                .setValue(stored.value())
                .setVectorClock(stored.clock())
                .setTimestampMs(TIMESTAMP_MS)
                .setReplicaCount(2)
                .setConsistency(consistency(request.getConsistency()))
                .build());
        responses.onCompleted();
    }

    @Override
    public synchronized void deleteKeyValue(DeleteKeyValueRequest request, StreamObserver<DeleteKeyValueResponse> responses) {
        lastDelete = request;
        if (failed(responses)) {
            return;
        }
        DeleteKeyValueResponse first = deletesByIdempotencyKey.get(request.getIdempotencyKey());
        if (first != null) {
            responses.onNext(first.toBuilder().setIsDuplicate(true).build());
            responses.onCompleted();
            return;
        }
        values.remove(request.getTenantId() + "/" + request.getKey());
        DeleteKeyValueResponse response = DeleteKeyValueResponse.newBuilder()
                .setSuccess(true)
                .setKey(request.getKey())
                .setIdempotencyKey(request.getIdempotencyKey())
                .setVectorClock(nextClock())
                .setReplicaCount(REPLICAS)
                .setConsistency(consistency(request.getConsistency()))
                .setTimestampMs(TIMESTAMP_MS)
                .build();
        if (!request.getIdempotencyKey().isEmpty()) {
            deletesByIdempotencyKey.put(request.getIdempotencyKey(), response);
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    private boolean failed(StreamObserver<?> responses) {
        if (nextError == null) {
            return false;
        }
        responses.onError(nextError);
        nextError = null;
        return true;
    }

    private VectorClock nextClock() {
        logicalTime++;
        return VectorClock.newBuilder()
                .addEntries(VectorClockEntry.newBuilder().setCoordinatorNodeId(COORDINATOR_ID).setLogicalTimestamp(logicalTime))
                .build();
    }

    private static String consistency(String requested) {
        return requested.isEmpty() ? "quorum" : requested;
    }
}
