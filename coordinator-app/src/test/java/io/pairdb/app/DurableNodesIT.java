package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.ChangeCleanup;
import io.pairdb.proto.admin.v1.CleanupOutcome;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.TokenRange;
import io.pairdb.proto.storage.v1.VectorClockEntry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster of durable storage nodes, each its own process ({@code pairdb-storage-node.jar}) with a
 * data directory, behind a coordinator: a node killed with SIGKILL while quorum writes go on comes
 * back on its directory with every write it acknowledged, and the cluster ends with every
 * acknowledged key at {@code all}; then a node joins and the former owners' copies are cleaned up,
 * as with emulators, with the digests of durable nodes agreeing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableNodesIT {
    private static final String TENANT = "durable";
    private static final int WRITES = 2_400;
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.hints.batch-pause", "50ms",
            "pairdb.hints.replay-interval", "1s",
            "pairdb.cleanup.grace-period", "5s",
            "pairdb.cleanup.interval", "500ms"));

    private InProcessCoordinator coordinator;
    private Path data;
    /** The node processes by id; node-3 is reached by the coordinator through {@link #proxy}. */
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private RecordingProxy proxy;
    private final AcknowledgedWrites writes = new AcknowledgedWrites(TENANT);

    @BeforeAll
    void startCluster() throws IOException {
        data = Files.createTempDirectory("pairdb-durable-it-");
        coordinator = InProcessCoordinator.start(0, TIMINGS);
        for (String id : List.of("node-1", "node-2", "node-3")) {
            nodes.put(id, NodeProcess.durable(id, FreePorts.pick(), data.resolve(id)));
        }
        proxy = new RecordingProxy(FreePorts.pick(), nodes.get("node-3").port);
        register("node-1", nodes.get("node-1").port);
        register("node-2", nodes.get("node-2").port);
        register("node-3", proxy.port());
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (NodeProcess node : nodes.values()) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void aNodeKilledDuringQuorumWritesComesBackWithEveryWriteItAcknowledged() throws Exception {
        NodeProcess victim = nodes.get("node-3");
        AtomicInteger next = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            running.add(writers.submit(() -> {
                for (int i = next.getAndIncrement(); i < WRITES; i = next.getAndIncrement()) {
                    try {
                        writes.write(coordinator, "k-" + i);
                    } catch (io.grpc.StatusRuntimeException e) {
                        // not acknowledged: allowed to be lost
                    }
                }
            }));
        }
        int acknowledgedBeforeKill;
        try {
            waiting().until(() -> proxy.acknowledged().size() >= WRITES / 3);
            victim.kill();
            acknowledgedBeforeKill = proxy.acknowledged().size();
            int attemptedAtKill = next.get();
            waiting().until(() -> writes.acknowledged.size() >= attemptedAtKill + WRITES / 4);
            victim.restart();
            for (Future<?> f : running) {
                f.get(5, TimeUnit.MINUTES);
            }
            assertThat(acknowledgedBeforeKill).isPositive();
        } finally {
            writers.shutdownNow();
        }

        assertThat(writes.attempted).hasSize(WRITES);
        assertThat(writes.acknowledged).as("writes went on at quorum while node-3 was dead").hasSizeGreaterThan(WRITES * 9 / 10);
        // on the node itself, not through the coordinator: every write node-3 answered OK, before and after the kill
        List<String> lost = new ArrayList<>();
        for (RecordingProxy.Acknowledged ack : proxy.acknowledged()) {
            ReadResponse held = victim.readDirectly(ack.tenantId(), ack.key());
            if (!held.getFound() || !covers(held.getVersion().getVectorClock(), ack.clock())) {
                lost.add(ack.key() + " (acknowledged " + ack.clock() + ", holds " + held + ")");
            }
        }
        assertThat(lost).as("writes node-3 acknowledged that it lost").isEmpty();
        System.out.printf("node-3 acknowledged %d writes, %d of them before SIGKILL; all of them on it after the restart%n",
                proxy.acknowledged().size(), acknowledgedBeforeKill);
        // hints bring node-3 what it missed while dead; then every acknowledged key is on all three
        waiting().untilAsserted(() -> assertThat(keysOn("node-3")).containsAll(writes.acknowledged.keySet()));
        writes.assertEveryAcknowledgedKeyReadsAtAll(coordinator);
    }

    @Test
    @Order(2)
    void aNodeJoinsTheDurableNodesAndTheFormerOwnersCopiesAreCleanedUp() throws Exception {
        NodeProcess joining = NodeProcess.durable("node-4", FreePorts.pick(), data.resolve("node-4"));
        nodes.put("node-4", joining);

        String id = register("node-4", joining.port).getChange().getChangeId();
        waiting().until(() -> change(id).getStatus().name().equals("CHANGE_STATUS_COMPLETED"));
        ChangeCleanup cleanup = waiting().until(() -> change(id).getCleanup(),
                c -> c.getTotals().getRanges() > 0 && c.getTotals().getPending() == 0);

        assertThat(cleanup.getRangesList()).as("durable replicas agree by digest, so no range is kept")
                .noneMatch(r -> r.getOutcome() == CleanupOutcome.CLEANUP_OUTCOME_SKIPPED);
        assertThat(cleanup.getTotals().getKeysDeleted()).isPositive();
        // every key on exactly its replicas: node-4 got its share, the former owners let theirs go
        Map<String, Set<String>> held = new HashMap<>();
        for (String node : nodes.keySet()) {
            held.put(node, keysOn(node));
        }
        List<String> misplaced = new ArrayList<>();
        for (String key : writes.attempted.keySet()) {
            List<String> replicas = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                    .setKey(key).build()).getReplicaNodeIdsList();
            held.forEach((node, keys) -> {
                boolean replica = replicas.contains(node);
                if (keys.contains(key) != replica && (replica ? writes.acknowledged.containsKey(key) : true)) {
                    misplaced.add(key + (replica ? " missing from " : " left on ") + node);
                }
            });
        }
        assertThat(held.get("node-4")).isNotEmpty();
        assertThat(misplaced).isEmpty();
        writes.assertEveryAcknowledgedKeyReadsAtAll(coordinator);
    }

    private io.pairdb.proto.admin.v1.AddStorageNodeResponse register(String id, int port) {
        return coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId(id).setHost("127.0.0.1")
                .setPort(port).setVirtualNodes(150).build());
    }

    private TopologyChange change(String id) {
        return coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    /** The tenant's keys the node holds, read from the node itself. */
    private Set<String> keysOn(String node) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", nodes.get(node).port).usePlaintext().build();
        try {
            Set<String> keys = new HashSet<>();
            StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .streamRange(StreamRangeRequest.newBuilder().setTenantId(TENANT)
                            .setRange(TokenRange.newBuilder().setStartExclusive(0).setEndInclusive(0)).build())
                    .forEachRemaining(batch -> batch.getEntriesList().forEach(e -> keys.add(e.getKey())));
            return keys;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Whether {@code held} is equal to or after {@code acknowledged}. */
    private static boolean covers(io.pairdb.proto.storage.v1.VectorClock held,
                                  io.pairdb.proto.storage.v1.VectorClock acknowledged) {
        Map<String, Long> entries = new HashMap<>();
        for (VectorClockEntry e : held.getEntriesList()) {
            entries.put(e.getCoordinatorNodeId(), e.getLogicalTimestamp());
        }
        return acknowledged.getEntriesList().stream()
                .allMatch(e -> entries.getOrDefault(e.getCoordinatorNodeId(), 0L) >= e.getLogicalTimestamp());
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200));
    }
}
