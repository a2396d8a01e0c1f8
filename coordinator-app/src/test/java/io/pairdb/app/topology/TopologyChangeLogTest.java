package io.pairdb.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pairdb.adapters.topology.TopologyChangeLog;
import io.pairdb.app.PrometheusText;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The counters a topology change leaves in the Prometheus scrape, labelled by type only. */
class TopologyChangeLogTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ManualClock clock = new ManualClock();
    private final TopologyChangeLog log = new TopologyChangeLog(registry, clock);

    private final RangeStream pending = RangeStream.pending(0, new TokenRange(new Token(0), new Token(100)),
            new NodeId("n4"), List.of(new NodeId("n1")), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
    private final TopologyChange change = new TopologyChange(new ChangeId("add-n4-e7"), ChangeType.ADD_NODE,
            new NodeId("n4"), ChangeStatus.IN_PROGRESS, 7, false, 0, List.of(pending), clock.now(), clock.now(),
            Optional.empty(), Optional.empty(), Optional.empty());

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    @Test
    void everySeriesExistsAtZeroBeforeTheFirstChange() {
        PrometheusText scrape = scrape();

        for (String type : List.of("add_node", "remove_node", "change_rf")) {
            for (String status : List.of("completed", "failed", "rolled_back")) {
                assertThat(scrape.value("coordinator_topology_changes_ended_total", Map.of("type", type, "status", status)))
                        .isZero();
            }
            for (String counter : List.of("coordinator_topology_changes_started_total",
                    "coordinator_topology_ranges_streamed_total", "coordinator_topology_streamed_keys_total",
                    "coordinator_topology_streamed_bytes_total", "coordinator_topology_stream_failures_total")) {
                assertThat(scrape.value(counter, Map.of("type", type))).as(counter).isZero();
            }
        }
        assertThat(scrape.value("coordinator_topology_epoch_fence_wait_seconds_count", Map.of())).isZero();
        assertThat(scrape.value("coordinator_topology_epoch_fence_waiting", Map.of())).isZero();
    }

    @Test
    void aChangeIsCountedFromStartThroughItsBatchesToItsEnd() {
        log.started(change);
        RangeStream first = pending.copied(10, 1_000, new KeyPosition(new Token(5), new TenantId("t"), "a"));
        log.streamProgressed(change, pending, first);
        log.streamFailed(change, first, "n1 refused", Duration.ofSeconds(1));
        RangeStream second = first.copied(5, 400, new KeyPosition(new Token(9), new TenantId("t"), "b"));
        log.streamProgressed(change, first, second);
        log.streamProgressed(change, second, second.done());
        log.ended(change.ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(second.done()), clock.now()));

        PrometheusText scrape = scrape();
        Map<String, String> add = Map.of("type", "add_node");
        assertThat(scrape.value("coordinator_topology_changes_started_total", add)).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_streamed_keys_total", add)).isEqualTo(15);
        assertThat(scrape.value("coordinator_topology_streamed_bytes_total", add)).isEqualTo(1_400);
        assertThat(scrape.value("coordinator_topology_ranges_streamed_total", add)).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_stream_failures_total", add)).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_changes_ended_total", Map.of("type", "add_node",
                "status", "completed"))).isEqualTo(1);
        assertThat(scrape.sum("coordinator_topology_changes_ended_total", Map.of("type", "remove_node"))).isZero();
        assertThat(scrape.all()).as("no change id or node as a label")
                .allSatisfy(s -> assertThat(s.labels().values()).doesNotContain("add-n4-e7", "n4"));
    }

    @Test
    void aWaitForTheEpochFenceIsTimedUntilEveryCoordinatorServesTheEpoch() {
        log.awaitingEpoch(change, change.ringEpoch(), List.of(new CoordinatorRegistry.Member("coord-b", 6, Instant.EPOCH)));
        clock.advance(Duration.ofSeconds(3));
        assertThat(scrape().value("coordinator_topology_epoch_fence_waiting", Map.of())).isEqualTo(1);

        log.fenced(change);

        PrometheusText scrape = scrape();
        assertThat(scrape.value("coordinator_topology_epoch_fence_waiting", Map.of())).isZero();
        assertThat(scrape.value("coordinator_topology_epoch_fence_wait_seconds_count", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_epoch_fence_wait_seconds_sum", Map.of())).isEqualTo(3.0);
    }

    @Test
    void aChangeThatFailedWaitingForTheFenceEndsItsWait() {
        log.awaitingEpoch(change, change.ringEpoch(), List.of(new CoordinatorRegistry.Member("coord-b", 6, Instant.EPOCH)));
        clock.advance(Duration.ofMinutes(2));
        log.ended(change.ended(ChangeStatus.FAILED, Optional.of("coordinators still served an older epoch"), List.of(pending),
                clock.now()));

        PrometheusText scrape = scrape();
        assertThat(scrape.value("coordinator_topology_epoch_fence_waiting", Map.of())).isZero();
        assertThat(scrape.value("coordinator_topology_epoch_fence_wait_seconds_sum", Map.of())).isEqualTo(120.0);
        assertThat(scrape.value("coordinator_topology_changes_ended_total", Map.of("type", "add_node", "status", "failed")))
                .isEqualTo(1);
    }
}
