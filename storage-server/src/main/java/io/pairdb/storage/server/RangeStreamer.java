package io.pairdb.storage.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a range scan as batches, only while the client can take them (gRPC flow control), so a
 * slow reader holds back the scan instead of filling the node's memory.
 *
 * <p>The handlers must be registered while the call's handler method runs; the scan itself may
 * start later (after a fault delay). Callbacks and the delayed start arrive on different
 * threads, hence the lock.
 */
final class RangeStreamer {

    private static final Logger log = LoggerFactory.getLogger(RangeStreamer.class);

    /** Keeps a batch of large values well under the client's default 4 MiB message limit. */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final ServerCallStreamObserver<StreamRangeResponse> call;
    private EntryScan entries;
    private int batchSize;
    private boolean finished;

    RangeStreamer(ServerCallStreamObserver<StreamRangeResponse> call) {
        this.call = Objects.requireNonNull(call);
        call.setOnReadyHandler(this::pump);
        call.setOnCancelHandler(this::cancelled);
    }

    /** Takes over the scan: it is closed when the stream ends, however it ends. */
    synchronized void start(EntryScan entries, int batchSize) {
        Objects.requireNonNull(entries);
        if (batchSize < 1) {
            entries.close();
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        this.entries = entries;
        this.batchSize = batchSize;
        if (finished) { // cancelled before the scan started
            entries.close();
            return;
        }
        pump();
    }

    private synchronized void cancelled() {
        finish();
    }

    private void finish() {
        finished = true;
        if (entries != null) {
            entries.close();
        }
    }

    private synchronized void pump() {
        if (entries == null || finished) {
            return;
        }
        try {
            while (call.isReady()) {
                StreamRangeResponse batch = nextBatch();
                if (batch.getEntriesCount() > 0) {
                    call.onNext(batch);
                }
                if (!entries.hasNext()) {
                    finish();
                    call.onCompleted();
                    return;
                }
            }
        } catch (RuntimeException e) {
            finish();
            log.error("range stream failed", e);
            call.onError(Status.INTERNAL.withDescription(e.toString()).withCause(e).asRuntimeException());
        }
    }

    private StreamRangeResponse nextBatch() {
        StreamRangeResponse.Builder batch = StreamRangeResponse.newBuilder();
        int bytes = 0;
        while (batch.getEntriesCount() < batchSize && bytes < MAX_BATCH_BYTES && entries.hasNext()) {
            Entry entry = Protos.toProto(entries.next());
            batch.addEntries(entry);
            bytes += entry.getSerializedSize();
        }
        return batch.build();
    }
}
