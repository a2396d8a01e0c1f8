package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.adapters.storage.GrpcStorageNodes;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.HintEvents;
import io.pairdb.core.hints.HintSettings;
import io.pairdb.core.hints.HintTally;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.hints.ReplayReport;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Clock;
import io.pairdb.core.replication.RequestEvents;
import io.pairdb.core.tenant.TenantEvents;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ThreadPoolScheduler;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.emulator.StorageNodeEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hint replay over the real pieces: hints in PostgreSQL, delivered through the gRPC storage
 * client to an emulator node that applies them conditionally.
 */
class PostgresHintReplayTest {
    private static final TenantId TENANT = new TenantId("acme");
    private static final NodeId NODE = new NodeId("node-1");

    private final Clock clock = System::currentTimeMillis;
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler();
    private final GrpcStorageNodes storage = new GrpcStorageNodes();
    private PostgresHintStore hints;
    private StorageNodeEmulator emulator;
    private ClusterTopology topology;
    private TenantService tenants;

    @BeforeEach
    void startNode() throws Exception {
        PostgresTestServer.reset();
        hints = PostgresTestServer.context().getBean(PostgresHintStore.class);
        emulator = StorageNodeEmulator.start(NODE.value(), 0);
        InMemoryTopologyStore ring = new InMemoryTopologyStore();
        topology = new ClusterTopology(ring, clock);
        topology.register(NODE, emulator.host(), emulator.port(), 16);
        tenants = new TenantService(new InMemoryTenantStore(ring), topology, clock, TenantEvents.NONE,
                TenantService.Settings.defaults());
        tenants.create(TENANT, Optional.of(1));
        topology.reload();
    }

    @AfterEach
    void stopNode() {
        storage.close();
        scheduler.close();
        if (emulator != null) {
            emulator.close();
        }
    }

    private ReplayHints replayer(String coordinatorId) {
        Environment env = new Environment(clock, scheduler, RequestEvents.NONE, CoordinatorSettings.defaults());
        HintSettings settings = HintSettings.defaults(coordinatorId).withBatches(50, Duration.ofMillis(10));
        return new ReplayHints(hints, storage, topology, tenants, new HintTally(coordinatorId, HintEvents.NONE, Instant.now()),
                env, settings);
    }

    private static Version version(String value, String coordinator, long counter, long timestampMs) {
        return Version.of(value.getBytes(StandardCharsets.UTF_8), VectorClock.of(coordinator, counter), timestampMs);
    }

    private void storeHint(String key, Version version) {
        hints.store(Hint.forWrite(NODE, TENANT, key, Token.forKey(TENANT.value(), key), version, Instant.now()));
    }

    private StorageNode node() {
        return topology.current().node(NODE).orElseThrow();
    }

    @Test
    void twoCoordinatorsReplayingTheSameNodesHintsDeliverEachHintOnce() throws Exception {
        int count = 1_000;
        for (int i = 0; i < count; i++) {
            storeHint("key-" + i, version("v" + i, "c0", i + 1, 1_700_000_000_000L + i));
        }

        CompletableFuture<ReplayReport> first = replayer("c1").replay(NODE);
        CompletableFuture<ReplayReport> second = replayer("c2").replay(NODE);
        ReplayReport one = first.get(60, TimeUnit.SECONDS);
        ReplayReport two = second.get(60, TimeUnit.SECONDS);
        long delivered = one.delivered() + two.delivered();
        long failed = one.failed() + two.failed();
        // on a saturated machine a batch may time out: that run ends, and the next run (the
        // periodic one in production) delivers what is left
        for (int run = 0; run < 10 && hints.count(NODE) > 0; run++) {
            ReplayReport again = replayer("c1").replay(NODE).get(60, TimeUnit.SECONDS);
            delivered += again.delivered();
            failed += again.failed();
        }

        assertThat(delivered).isEqualTo(count);
        assertThat(one.delivered()).as("both replayers took part").isPositive();
        assertThat(two.delivered()).as("both replayers took part").isPositive();
        if (failed == 0) {
            // a batch that timed out after the node applied it is sent again, so only count
            // the node's writes when nothing failed
            assertThat(emulator.stats().writes()).as("writes the node received").isEqualTo(count);
        }
        assertThat(emulator.store().keyCount()).isEqualTo(count);
        assertThat(hints.count(NODE)).isZero();
    }

    @Test
    void aReplayedHintOlderThanTheValueOnTheNodeDoesNotOverwriteIt() throws Exception {
        Version older = version("older", "c1", 1, 1_700_000_000_000L);
        Version newer = version("newer", "c1", 2, 1_700_000_000_001L);
        storage.write(node(), TENANT, "k", Token.forKey(TENANT.value(), "k"), newer, Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS);
        storeHint("k", older);

        ReplayReport report = replayer("c1").replay(NODE).get(60, TimeUnit.SECONDS);

        assertThat(report.ending()).isEqualTo(ReplayReport.Ending.DRAINED);
        assertThat(report.delivered()).isEqualTo(1);
        assertThat(storage.read(node(), TENANT, "k", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS)).contains(newer);
        assertThat(hints.count(NODE)).isZero();
    }
}
