package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.core.PairDbException;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupSettings;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryCleanupStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import io.pairdb.adapters.metrics.MicrometerWorkInFlight;
import io.pairdb.core.topology.ReadWorkInFlight;
import org.junit.jupiter.api.Test;

/** The gauges of changes in flight and of the cleanup backlog, read from the stores on refresh only. */
class WorkInFlightGaugesTest {
    private static final Duration GRACE = Duration.ofHours(24);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore nodes = new InMemoryTopologyStore();
    private final InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
    private final InMemoryCleanupStore cleanups = new InMemoryCleanupStore(changes, clock);

    private ReadWorkInFlight gauges(ChangeStore changeStore, CleanupStore cleanupStore) {
        return new ReadWorkInFlight(changeStore, cleanupStore, clock, CleanupSettings.defaults("coord-a").gracePeriod(),
                new MicrometerWorkInFlight(registry, clock));
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    private static RangeStream stream(int index) {
        return RangeStream.pending(index, new TokenRange(new Token(index * 100L), new Token(index * 100L + 50)),
                new NodeId("n4"), List.of(new NodeId("n1")), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
    }

    /** Starts adding {@code node}, with the given streams and one released range. */
    private ChangeId startAdding(String node, List<RangeStream> streams) {
        long epoch = nodes.epoch() + 1;
        ChangeId id = ChangeId.of(ChangeType.ADD_NODE, new NodeId(node), epoch);
        TopologyChange change = new TopologyChange(id, ChangeType.ADD_NODE, new NodeId(node), ChangeStatus.IN_PROGRESS,
                epoch, false, 0, streams, clock.now(), clock.now(), Optional.empty(), Optional.empty(), Optional.empty());
        RangeRelease release = new RangeRelease(0, new TokenRange(new Token(0), new Token(50)), new NodeId("n1"),
                new TreeSet<>(Set.of(3)), TenantFilter.ALL);
        StorageNode joining = new StorageNode(new NodeId(node), "10.0.0.4", 7000, 16, NodeState.BOOTSTRAPPING,
                Liveness.UP, clock.now(), clock.now());
        assertThat(changes.start(change, List.of(release), joining, epoch - 1, "coord-a", Duration.ofMinutes(1)))
                .isInstanceOf(ChangeStore.Start.Started.class);
        return id;
    }

    @Test
    void changesInFlightAreCountedByTypeAndStateAndTheirAgeGrowsBetweenReads() {
        ReadWorkInFlight gauges = gauges(changes, cleanups);
        RangeStream copied = stream(1).copied(10, 100, new KeyPosition(new Token(101), new TenantId("t"), "k"));
        startAdding("n4", List.of(stream(0), copied, stream(2).copied(3, 30,
                new KeyPosition(new Token(201), new TenantId("t"), "k")).done()));
        clock.advance(Duration.ofSeconds(40));
        gauges.refresh();
        clock.advance(Duration.ofSeconds(20));

        PrometheusText scrape = scrape();
        assertThat(scrape.value("coordinator_topology_changes_in_flight", Map.of("type", "add_node", "state", "streaming")))
                .isEqualTo(1);
        assertThat(scrape.sum("coordinator_topology_changes_in_flight", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_change_ranges", Map.of("state", "pending"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_change_ranges", Map.of("state", "streaming"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_change_ranges", Map.of("state", "done"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_topology_streams_failing", Map.of())).isZero();
        assertThat(scrape.value("coordinator_topology_oldest_change_age_seconds", Map.of()))
                .as("computed at scrape time from the last read").isEqualTo(60.0);
    }

    @Test
    void theCleanupBacklogShowsRangesDueTheirSkipsAndHowLongTheOldestHasBeenDue() {
        ReadWorkInFlight gauges = gauges(changes, cleanups);
        ChangeId id = startAdding("n4", List.of(stream(0)));
        changes.finish(id, "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED, Optional.empty(),
                List.of(stream(0).done()), clock.now());
        gauges.refresh();
        assertThat(scrape().value("coordinator_cleanup_ranges_due", Map.of("state", "pending")))
                .as("within the grace period").isZero();

        clock.advance(GRACE.plusMinutes(10));
        List<CleanupStore.Claimed> claimed = cleanups.claimDue(clock.now().minus(GRACE), clock.now(), "coord-a",
                Duration.ofMinutes(1), 10);
        assertThat(claimed).hasSize(1);
        cleanups.record(id, 0, "coord-a", new CleanupOutcome.Skipped("node n1 is down", clock.now()), clock.now());
        gauges.refresh();

        PrometheusText scrape = scrape();
        assertThat(scrape.value("coordinator_cleanup_ranges_due", Map.of("state", "pending"))).isZero();
        assertThat(scrape.value("coordinator_cleanup_ranges_due", Map.of("state", "skipped"))).isEqualTo(1);
        assertThat(scrape.value("coordinator_cleanup_range_skips_max", Map.of())).isEqualTo(1);
        assertThat(scrape.value("coordinator_cleanup_oldest_due_seconds", Map.of())).isEqualTo(600.0);
        assertThat(scrape.value("coordinator_topology_oldest_change_age_seconds", Map.of()))
                .as("nothing in flight").isZero();
    }

    @Test
    void untilTheFirstReadAndWhileTheStoreIsUnreachableTheGaugesAreNaN() {
        ChangeStore unreachable = (ChangeStore) Proxy.newProxyInstance(ChangeStore.class.getClassLoader(),
                new Class<?>[] {ChangeStore.class}, (proxy, method, args) -> {
                    throw new PairDbException("changes", "connection refused");
                });
        ReadWorkInFlight gauges = gauges(unreachable, cleanups);
        assertThat(scrape().value("coordinator_topology_streams_failing", Map.of())).isNaN();

        gauges.refresh();

        PrometheusText scrape = scrape();
        assertThat(scrape.value("coordinator_topology_streams_failing", Map.of())).isNaN();
        assertThat(scrape.value("coordinator_topology_oldest_change_age_seconds", Map.of())).isNaN();
        assertThat(scrape.value("coordinator_cleanup_ranges_due", Map.of("state", "skipped"))).isNaN();
    }

    @Test
    void aRefreshIntervalThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new WorkInFlightRefresh(gauges(changes, cleanups), Duration.ZERO))
                .isInstanceOf(ConfigurationError.class).hasMessageContaining("pairdb.metrics.store-refresh-interval");
    }
}
