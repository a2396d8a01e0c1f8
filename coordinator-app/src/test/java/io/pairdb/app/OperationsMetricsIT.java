package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.pairdb.app.chart.OperationsArtifacts;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.ChangeCleanup;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The metrics an on-call engineer relies on, from a running coordinator: after traffic (with a
 * replica refusing writes), a node join whose streams fail for a while, and the cleanup after it,
 * every metric that an alert of the chart's PrometheusRule or a panel of its dashboard reads is in
 * the {@code /prometheus} scrape (names parsed from the expressions themselves, not listed twice),
 * and the new series count what happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsMetricsIT {
    private static final String TENANT = "observed";
    private static final int KEYS = 150;
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.topology-changes.retry-backoff", "100ms",
            "pairdb.topology-changes.retry-backoff-max", "200ms",
            "pairdb.cleanup.grace-period", "2s",
            "pairdb.cleanup.interval", "500ms",
            "pairdb.hints.replay-interval", "1s",
            "pairdb.metrics.store-refresh-interval", "500ms"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private InProcessCoordinator coordinator;
    private StorageNodeEmulator node4;

    @BeforeAll
    void startCluster() {
        coordinator = InProcessCoordinator.start(3, TIMINGS);
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3)
                .build());
        for (int i = 0; i < KEYS; i++) {
            write("key-" + i, "all");
        }
    }

    @AfterAll
    void stopCluster() {
        if (coordinator != null) {
            coordinator.close();
        }
        if (node4 != null) {
            node4.close();
        }
    }

    private void write(String key, String consistency) {
        coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                .setValue(ByteString.copyFromUtf8("value-of-" + key)).setConsistency(consistency).build());
    }

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExportedAfterTrafficAChangeAndACleanup() throws Exception {
        // a replica that refuses writes: requests still reach quorum, the misses become hints
        StorageNodeEmulator node1 = coordinator.cluster.nodes().stream().filter(n -> n.nodeId().equals("node-1"))
                .findFirst().orElseThrow();
        node1.faults().failNextWrites(10);
        for (int i = 0; i < 10; i++) {
            write("key-" + i, "quorum");
        }

        // a join whose streams fail until the sources are healthy again
        node4 = StorageNodeEmulator.start("node-4", 0);
        coordinator.cluster.nodes().forEach(n -> n.faults().setFailStreams(true));
        String id;
        try {
            id = coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("node-4")
                    .setHost(node4.host()).setPort(node4.port()).setVirtualNodes(150).build()).getChange().getChangeId();
            waiting().until(() -> scrape().value("coordinator_topology_stream_failures_total",
                    Map.of("type", "add_node")) > 0);
        } finally {
            coordinator.cluster.nodes().forEach(n -> n.faults().setFailStreams(false));
        }
        TopologyChange change = waiting().until(() -> change(id), c -> c.getStatus().name().equals("CHANGE_STATUS_COMPLETED"));
        ChangeCleanup cleanup = waiting().until(() -> change(id).getCleanup(), c -> c.getTotals().getPending() == 0
                && c.getTotals().getSkipped() == 0);
        assertThat(get("/health/readiness").statusCode()).isEqualTo(200);
        // the store gauges have been read since the cleanup ended
        PrometheusText scrape = waiting().until(this::scrape,
                s -> s.value("coordinator_cleanup_ranges_due", Map.of("state", "pending")) == 0
                        && s.sum("coordinator_topology_changes_in_flight", Map.of()) == 0);

        Set<String> exported = scrape.all().stream().map(PrometheusText.Sample::name).collect(Collectors.toSet());
        Set<String> used = OperationsArtifacts.metricsUsed();
        assertThat(used).as("the rules and the dashboard read something").hasSizeGreaterThan(30);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        assertThat(missing).as("metrics the alerts or the dashboard use that the coordinator does not export").isEmpty();

        Map<String, String> add = Map.of("type", "add_node");
        assertThat(scrape.value("coordinator_topology_changes_started_total", add)).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_changes_ended_total", Map.of("type", "add_node",
                "status", "completed"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_streamed_keys_total", add))
                .as("every key copied counted once, retries included").isEqualTo(change.getTotals().getKeys());
        assertThat(scrape.value("coordinator_topology_streamed_bytes_total", add)).isEqualTo(change.getTotals().getBytes());
        assertThat(scrape.value("coordinator_topology_ranges_streamed_total", add)).isEqualTo(change.getTotals().getStreams());
        assertThat(scrape.value("coordinator_topology_oldest_change_age_seconds", Map.of())).isZero();
        assertThat(scrape.value("coordinator_cleanup_ranges_total", Map.of("outcome", "deleted")))
                .isEqualTo(cleanup.getTotals().getDeleted()).isPositive();
        assertThat(scrape.value("coordinator_cleanup_keys_deleted_total", Map.of()))
                .isEqualTo(cleanup.getTotals().getKeysDeleted());
        assertThat(scrape.value("coordinator_cleanup_oldest_due_seconds", Map.of())).isZero();
        assertThat(scrape.value("coordinator_hints_stored_total", Map.of())).isPositive();
        assertThat(scrape.sum("coordinator_replica_call_errors_total", Map.of("node", "node-1", "call", "write")))
                .isPositive();
        assertThat(scrape.value("coordinator_hints_ttl_seconds", Map.of())).isEqualTo(Duration.ofDays(7).toSeconds());
        assertThat(scrape.samples("coordinator_hints_dropped_total")).extracting(s -> s.labels().get("node"))
                .as("every node's drops counted from zero").contains("node-1", "node-2", "node-3", "node-4");
        assertThat(scrape.all()).as("no series is labelled by tenant or change")
                .allSatisfy(s -> assertThat(s.labels().values()).doesNotContain(TENANT, id));
    }

    private TopologyChange change(String id) {
        return coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    private PrometheusText scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250));
    }
}
