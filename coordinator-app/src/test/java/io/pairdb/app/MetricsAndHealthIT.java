package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * What an operator scrapes and probes: Prometheus metrics and the health endpoints of a running
 * coordinator, read over HTTP after real traffic through gRPC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsAndHealthIT {
    private static final String TENANT = "ops-tenant";
    private static final int WRITES = 7;
    private static final int READS = 5;
    private static final String SECRET_VALUE = "value-that-must-never-be-logged";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private InProcessCoordinator coordinator;

    @BeforeAll
    void startCoordinator() {
        // the checks below read which dependency is down from the details, which are not shown by default
        coordinator = InProcessCoordinator.start(3, Map.of("endpoints.health.details-visible", "ANONYMOUS"));
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
    }

    @AfterAll
    void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    @Order(1)
    void prometheusCountsTheRequestsThisTestMadeWithoutATenantLabel() throws Exception {
        for (int i = 0; i < WRITES; i++) {
            coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setValue(ByteString.copyFromUtf8("v" + i)).setConsistency("quorum").build());
        }
        for (int i = 0; i < READS; i++) {
            coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setConsistency("quorum").build());
        }

        HttpResponse<String> response = get("/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        PrometheusText metrics = PrometheusText.parse(response.body());

        assertThat(metrics.value("coordinator_requests_total", Map.of("operation", "write", "status", "OK")))
                .isGreaterThanOrEqualTo(WRITES);
        assertThat(metrics.value("coordinator_requests_total", Map.of("operation", "read", "status", "OK")))
                .isGreaterThanOrEqualTo(READS);
        assertThat(metrics.value("coordinator_request_duration_seconds_count", Map.of("operation", "write", "consistency", "quorum")))
                .isGreaterThanOrEqualTo(WRITES);
        assertThat(metrics.value("coordinator_request_duration_seconds_bucket",
                Map.of("operation", "read", "consistency", "quorum", "le", "+Inf")))
                .as("a histogram with buckets").isGreaterThanOrEqualTo(READS);
        assertThat(metrics.samples("coordinator_request_duration_seconds_bucket")).hasSizeGreaterThan(10);
        // every write goes to all three replicas
        assertThat(metrics.sum("coordinator_replica_call_duration_seconds_count", Map.of("call", "write")))
                .isGreaterThanOrEqualTo(3.0 * WRITES);
        assertThat(metrics.samples("coordinator_replica_call_duration_seconds_count"))
                .extracting(s -> s.labels().get("node")).contains("node-1", "node-2", "node-3");
        assertThat(metrics.sum("coordinator_cache_hits_total", Map.of()) + metrics.sum("coordinator_cache_misses_total", Map.of()))
                .isGreaterThanOrEqualTo(WRITES + READS);
        assertThat(metrics.value("coordinator_ring_epoch", Map.of())).isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("coordinator_storage_nodes", Map.of("state", "normal", "liveness", "up"))).isEqualTo(3);
        for (String counter : List.of("coordinator_conflicts_detected_total", "coordinator_repairs_triggered_total",
                "coordinator_repairs_dropped_total", "coordinator_hints_stored_total", "coordinator_hint_store_failures_total",
                "coordinator_idempotency_record_failures_total")) {
            assertThat(metrics.samples(counter)).as(counter).isNotEmpty();
        }
        assertThat(metrics.samples("coordinator_quorum_failures_total"))
                .extracting(s -> s.labels().get("operation")).contains("write", "read", "delete");
        for (String gauge : List.of("coordinator_requests_in_flight", "coordinator_request_bytes_in_flight")) {
            assertThat(metrics.samples(gauge)).as("%s, under the name the README gives", gauge).isNotEmpty();
        }

        assertThat(metrics.all()).as("no series is labelled by tenant")
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("tenant").doesNotContainValue(TENANT));
        assertThat(response.body()).doesNotContain(TENANT);
    }

    @Test
    @Order(2)
    void aFailedRequestIsOneLogLineWithItsReasonButNeverTheValue() {
        Logger requestLog = (Logger) LoggerFactory.getLogger(RequestLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        requestLog.addAppender(lines);
        try {
            var write = WriteKeyValueRequest.newBuilder().setTenantId("no-such-tenant").setKey("user:7")
                    .setValue(ByteString.copyFromUtf8(SECRET_VALUE)).build();
            assertThatThrownBy(() -> coordinator.data().writeKeyValue(write)).isInstanceOf(StatusRuntimeException.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> !lines.list.isEmpty());
            assertThat(lines.list).hasSize(1);
            ILoggingEvent line = lines.list.getFirst();
            assertThat(line.getFormattedMessage()).contains("WriteKeyValue", "NOT_FOUND", "TENANT_NOT_FOUND", "user:7")
                    .doesNotContain(SECRET_VALUE);
            assertThat(line.getKeyValuePairs()).extracting(kv -> kv.key)
                    .contains("event", "operation", "status", "reason", "duration_ms", "tenant", "key");
            assertThat(line.getKeyValuePairs()).allSatisfy(kv -> assertThat(String.valueOf(kv.value)).doesNotContain(SECRET_VALUE));
        } finally {
            requestLog.detachAppender(lines);
        }
    }

    @Test
    @Order(3)
    void livenessAndReadinessAreUpAndGrpcHealthIsServing() throws Exception {
        HttpResponse<String> liveness = get("/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"");

        HttpResponse<String> readiness = get("/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode ready = JSON.readTree(readiness.body());
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        for (String check : List.of("postgres", "redis", "ring", "shutdown")) {
            assertThat(ready.path("details").path(check).path("status").asText()).as(check).isEqualTo("UP");
        }
        assertThat(JSON.readTree(liveness.body()).path("details").has("postgres"))
                .as("liveness does not depend on PostgreSQL").isFalse();

        var health = HealthGrpc.newBlockingStub(coordinator.channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    @Order(4)
    void withoutRedisTheCoordinatorIsAliveButNotReadyUntilRedisIsBack() throws Exception {
        var redis = coordinator.cluster.redis();
        redis.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> readiness = get("/health/readiness");
                assertThat(readiness.statusCode()).isEqualTo(503);
                JsonNode details = JSON.readTree(readiness.body()).path("details");
                assertThat(details.path("redis").path("status").asText()).isEqualTo("DOWN");
                assertThat(details.path("postgres").path("status").asText()).isEqualTo("UP");
            });
            assertThat(get("/health/liveness").statusCode()).as("liveness does not depend on Redis").isEqualTo(200);
            PrometheusText down = PrometheusText.parse(get("/prometheus").body());
            assertThat(down.value("coordinator_dependency_up", Map.of("dependency", "redis"))).isZero();
            assertThat(down.value("coordinator_dependency_up", Map.of("dependency", "postgresql"))).isEqualTo(1);
            assertThat(down.value("coordinator_readiness_transitions_total", Map.of("to", "not_ready"))).isEqualTo(1);
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(get("/health/readiness").statusCode()).isEqualTo(200));
        PrometheusText back = PrometheusText.parse(get("/prometheus").body());
        assertThat(back.value("coordinator_dependency_up", Map.of("dependency", "redis"))).isEqualTo(1);
        assertThat(back.value("coordinator_readiness_transitions_total", Map.of("to", "ready"))).isEqualTo(1);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
