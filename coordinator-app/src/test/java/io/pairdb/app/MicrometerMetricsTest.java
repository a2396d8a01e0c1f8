package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pairdb.adapters.metrics.MicrometerRequestEvents;
import io.pairdb.adapters.metrics.MicrometerTenantEvents;
import io.pairdb.adapters.metrics.ObservedStorageNodes;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.RequestEvents.HintStoreFailure;
import io.pairdb.core.replication.RequestEvents.Operation;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The names and labels the Prometheus scrape shows for what the core and the storage client report. */
class MicrometerMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void hintsNotStoredByTheThousandAreAllCountedButOnlySomeLogged() {
        var metrics = new MicrometerRequestEvents(registry);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(MicrometerRequestEvents.class);
        lines.start();
        log.addAppender(lines);
        try {
            for (int i = 0; i < 2_000; i++) {
                metrics.hintStoreFailed(HintStoreFailure.OVERLOADED);
                metrics.idempotencyRecordFailed("the record of key k" + i + " was refused");
            }
        } finally {
            log.detachAppender(lines);
        }

        assertThat(registry.get("coordinator.hint.store.failures").tag("reason", "overloaded").counter().count())
                .isEqualTo(2_000.0);
        assertThat(registry.get("coordinator.idempotency.record.failures").counter().count()).isEqualTo(2_000.0);
        // 20 lines a second of each kind, in bursts of as many: far fewer than 4 000 for a loop of milliseconds
        assertThat(lines.list).as("WARN lines for 2 000 + 2 000 failures").hasSizeLessThan(200);
        ILoggingEvent hint = lines.list.getFirst();
        assertThat(hint.getFormattedMessage()).isEqualTo("could not store a hint (too many hint stores were running): "
                + "a replica misses a write until a read repairs it (coordinator_hint_store_failures_total)");
        assertThat(hint.getKeyValuePairs()).anySatisfy(kv -> {
            assertThat(kv.key).isEqualTo("reason");
            assertThat(kv.value).isEqualTo("overloaded");
        });
        assertThat(lines.list.get(1).getFormattedMessage()).startsWith("the record of key k0 was refused; the write was");
    }

    @Test
    void theCoreCountersAppearUnderTheirPrometheusNames() {
        var metrics = new MicrometerRequestEvents(registry);
        var tenants = new MicrometerTenantEvents(registry);
        metrics.requestCompleted(Operation.WRITE, ConsistencyLevel.QUORUM, "OK", Duration.ofMillis(3));
        metrics.requestCompleted(Operation.WRITE, ConsistencyLevel.QUORUM, "OK", Duration.ofMillis(30));
        metrics.requestCompleted(Operation.READ, ConsistencyLevel.ONE, "KEY_NOT_FOUND", Duration.ofMillis(1));
        tenants.cacheHit();
        tenants.cacheMiss();
        metrics.conflictDetected();
        metrics.repairTriggered();
        metrics.repairDropped();
        metrics.quorumFailure(Operation.DELETE);
        metrics.hintStored();
        metrics.hintStoreFailed(HintStoreFailure.DEADLINE);
        metrics.hintStoreFailed(HintStoreFailure.OVERLOADED);
        metrics.hintStoreFailed(HintStoreFailure.OVERLOADED);
        metrics.idempotencyRecordFailed("the record of idempotency:acme:1:k:req-1 failed: connection reset");

        PrometheusText scrape = PrometheusText.parse(registry.scrape());
        assertThat(scrape.value("coordinator_requests_total", Map.of("operation", "write", "status", "OK"))).isEqualTo(2);
        assertThat(scrape.value("coordinator_requests_total", Map.of("operation", "read", "status", "KEY_NOT_FOUND"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_request_duration_seconds_bucket",
                Map.of("operation", "write", "consistency", "quorum", "le", "0.005"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_request_duration_seconds_bucket",
                Map.of("operation", "write", "consistency", "quorum", "le", "+Inf"))).isEqualTo(2);
        assertThat(scrape.value("coordinator_cache_hits_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_cache_misses_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_conflicts_detected_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_repairs_triggered_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_repairs_dropped_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_quorum_failures_total", Map.of("operation", "delete"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_quorum_failures_total", Map.of("operation", "write"))).isZero();
        assertThat(scrape.value("coordinator_hints_stored_total", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_hint_store_failures_total", Map.of("reason", "deadline"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_hint_store_failures_total", Map.of("reason", "overloaded"))).isEqualTo(2);
        assertThat(scrape.value("coordinator_hint_store_failures_total", Map.of("reason", "error"))).isZero();
        assertThat(scrape.value("coordinator_idempotency_record_failures_total", Map.of())).isEqualTo(1);
    }

    @Test
    void storageNodeCallsAreTimedPerNodeAndFailuresCountedByGrpcCode() {
        StorageNode node = new StorageNode(new NodeId("node-7"), "127.0.0.1", 7007, 8, NodeState.NORMAL, Liveness.UP,
                Instant.EPOCH, Instant.EPOCH);
        var nodes = new ObservedStorageNodes(new UnreachableWrites(), registry);
        TenantId tenant = new TenantId("acme");

        nodes.read(node, tenant, "k", Duration.ofSeconds(1)).join();
        nodes.write(node, tenant, "k", Token.forKey("acme", "k"), Version.tombstone(VectorClock.EMPTY, 1), Duration.ofSeconds(1))
                .handle((applied, error) -> null).join();

        PrometheusText scrape = PrometheusText.parse(registry.scrape());
        assertThat(scrape.value("coordinator_replica_call_duration_seconds_count", Map.of("node", "node-7", "call", "read")))
                .isEqualTo(1);
        assertThat(scrape.value("coordinator_replica_call_duration_seconds_count", Map.of("node", "node-7", "call", "write")))
                .isEqualTo(1);
        assertThat(scrape.value("coordinator_replica_call_errors_total",
                Map.of("node", "node-7", "call", "write", "code", "UNAVAILABLE"))).isEqualTo(1);
        assertThat(scrape.samples("coordinator_replica_call_errors_total")).hasSize(1);
    }

    /** Reads find nothing; writes fail the way the gRPC storage client fails them. */
    private static final class UnreachableWrites implements StorageNodes {
        @Override
        public CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                                Duration timeout) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(), "write failed",
                    Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException()));
        }

        @Override
        public CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                                 Duration timeout) {
            return write(node, tenant, key, token, version, timeout);
        }
    }
}
