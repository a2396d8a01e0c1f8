package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writes a test made to one tenant and which of them were acknowledged, for the check a
 * user cares about after any change to the cluster: every acknowledged write reads back at
 * {@code all}. Thread-safe.
 */
final class AcknowledgedWrites {
    private final String tenant;
    /** Keys written: key → value, acknowledged or not. */
    final Map<String, String> attempted = new ConcurrentHashMap<>();
    /** Keys whose write was acknowledged: key → value. */
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();

    AcknowledgedWrites(String tenant) {
        this.tenant = tenant;
    }

    /** Writes a new key at quorum; throws when the write is not acknowledged. */
    void write(DataPlane via, String key) {
        String value = "value-of-" + key;
        attempted.put(key, value);
        // every key is new: an empty causal context spares the coordinator its read-before-write
        via.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(tenant).setKey(key)
                .setValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)).setConsistency("quorum")
                .setCausalContext(VectorClock.getDefaultInstance()).build());
        acknowledged.put(key, value);
    }

    /** Writes {@code count} new keys {@code prefix0..} eight at a time; each must be acknowledged. */
    void preload(DataPlane via, String prefix, int count) throws Exception {
        ExecutorService loaders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = prefix + i;
                pending.add(loaders.submit(() -> write(via, key)));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            loaders.shutdownNow();
        }
    }

    void assertEveryAcknowledgedKeyReadsAtAll(DataPlane via) throws Exception {
        assertReadAtAll(via, acknowledged.keySet());
    }

    /** Each of the keys (acknowledged ones) reads back at {@code all} with the value written. */
    void assertReadAtAll(DataPlane via, Set<String> keys) throws Exception {
        assertThat(keys).isNotEmpty();
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> reads = new ArrayList<>();
            keys.forEach(key -> reads.add(readers.submit(() -> {
                String value = acknowledged.get(key);
                try {
                    String read = via.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(tenant).setKey(key)
                            .setConsistency("all").build()).getValue().toStringUtf8();
                    return read.equals(value) ? null : key + " read " + read;
                } catch (StatusRuntimeException e) {
                    return key + ": " + e.getStatus();
                }
            })));
            List<String> lost = new ArrayList<>();
            for (Future<String> f : reads) {
                String problem = f.get();
                if (problem != null) {
                    lost.add(problem);
                }
            }
            assertThat(lost).as("acknowledged writes that do not read back at all").isEmpty();
        } finally {
            readers.shutdownNow();
        }
    }

    /** Writes new keys through a coordinator, two at a time, until closed. */
    final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService threads = Executors.newFixedThreadPool(2);
        private final Set<String> mine = ConcurrentHashMap.newKeySet();

        Writer(DataPlane via, String prefix) {
            for (int t = 0; t < 2; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = prefix + thread + "-" + i;
                        try {
                            write(via, key);
                            mine.add(key);
                        } catch (StatusRuntimeException e) {
                            // not acknowledged: allowed to be lost, and not counted
                        }
                    }
                });
            }
        }

        int acknowledgedCount() {
            return mine.size();
        }

        /** The keys this writer got acknowledged. */
        Set<String> keys() {
            return Set.copyOf(mine);
        }

        void awaitAcknowledged(int count) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> mine.size() >= count);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            threads.shutdown();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }
}
