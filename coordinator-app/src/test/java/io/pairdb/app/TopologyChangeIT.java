package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeConflicts;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.PlanRangeStreams;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.AddStorageNodeResponse;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.admin.v1.ListChangesRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.storage.server.TokenRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Adding and removing storage nodes while serving, end to end: a coordinator (and at times a
 * second one, or a separate coordinator process that gets killed) in front of emulator storage
 * nodes, with test-short timings. The cluster is shared, so the ring grows and shrinks as the tests
 * run, but each adds the nodes it moves itself and holds in any order; each checks what a user
 * would notice: every acknowledged write still reads back at {@code all},
 * and a node that joined holds exactly the keys the ring assigns it — computed here
 * independently of the coordinator's own ring code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopologyChangeIT {
    private static final String TENANT = "movers";
    private static final int RF = 3;
    private static final int PRELOADED_KEYS = 5_000;
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.topology-changes.stream-failure-timeout", "4s",
            "pairdb.topology-changes.retry-backoff", "200ms",
            "pairdb.topology-changes.retry-backoff-max", "1s",
            // a node process just started answers its first health probe late on a loaded machine
            "pairdb.topology-changes.health-timeout", "15s"));

    private InProcessCoordinator first;
    /** Every in-process storage node, by id: the dev cluster's three and those the tests add. */
    private final Map<String, StorageNodeEmulator> emulators = new LinkedHashMap<>();
    private final List<StorageNodeEmulator> started = new ArrayList<>();
    private final AcknowledgedWrites writes = new AcknowledgedWrites(TENANT);
    /** Keys written, and those whose write was acknowledged: key → value. */
    private final Map<String, String> attempted = writes.attempted;
    private final Map<String, String> acknowledged = writes.acknowledged;

    @BeforeAll
    void startCluster() throws Exception {
        first = InProcessCoordinator.start(3, TIMINGS);
        first.cluster.nodes().forEach(n -> emulators.put(n.nodeId(), n));
        first.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(RF).build());
        writes.preload(first, "pre-", PRELOADED_KEYS);
        assertThat(acknowledged).hasSize(PRELOADED_KEYS);
    }

    @AfterAll
    void stopCluster() {
        if (first != null) {
            first.close();
        }
        started.forEach(StorageNodeEmulator::close);
    }

    // ---- the tests ------------------------------------------------------------------------------

    @Test
    void aNodeAddedUnderLoadHoldsExactlyItsRangesAndNoAcknowledgedWriteIsLost() throws Exception {
        StorageNodeEmulator node4 = emulator("node-4");
        TopologyChange change;
        try (AcknowledgedWrites.Writer writer = writes.new Writer(first, "during-add-")) {
            writer.awaitAcknowledged(200);
            AddStorageNodeResponse added = add(first, node4, 150);
            assertThat(added.getNode().getState().name()).isEqualTo("NODE_STATE_BOOTSTRAPPING");
            assertThat(added.getChange().getChangeId()).startsWith("add-node-4-e");
            change = awaitEnd(first, added.getChange().getChangeId());
            writer.awaitAcknowledged(writer.acknowledgedCount() + 200);
        }

        assertThat(change.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        assertThat(change.hasCompletedAt()).isTrue();
        assertThat(change.getTotals().getDone()).isEqualTo(change.getTotals().getStreams()).isPositive();
        assertThat(normalNodes()).containsKey("node-4");
        assertHoldsExactlyItsKeys(node4);
        assertEveryKeyIsOnEachOfItsReplicas();
        writes.assertEveryAcknowledgedKeyReadsAtAll(first);
    }

    @Test
    void aSecondCoordinatorWritingDuringTheChangeLosesNothing() throws Exception {
        StorageNodeEmulator node5 = emulator("node-5");
        try (InProcessCoordinator second = InProcessCoordinator.alongside(first, TIMINGS)) {
            // slow streaming down, so the change is still running while the second coordinator takes writes
            delaySources(Duration.ofMillis(15));
            TopologyChange change;
            Set<String> viaSecond;
            try (AcknowledgedWrites.Writer writer = writes.new Writer(second, "via-second-")) {
                writer.awaitAcknowledged(100);
                AddStorageNodeResponse added = add(first, node5, 150);
                long epoch = added.getRingEpoch();
                // the second coordinator hears of the new epoch and writes to node-5 as a pending replica
                waiting().until(() -> second.context.getBean(ClusterTopology.class).current().epoch() >= epoch);
                String keyOnNode5 = acknowledged.keySet().stream()
                        .filter(k -> replicas(ringWith("node-5"), k).contains("node-5")).findFirst().orElseThrow();
                assertThat(second.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                        .setKey(keyOnNode5).build()).getPendingNodeIdsList()).containsExactly("node-5");
                delaySources(Duration.ZERO);
                change = awaitEnd(first, added.getChange().getChangeId());
                writer.awaitAcknowledged(writer.acknowledgedCount() + 100);
                viaSecond = writer.keys();
            }
            assertThat(change.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
            long finalEpoch = first.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getRingEpoch();
            waiting().until(() -> second.context.getBean(ClusterTopology.class).current().epoch() == finalEpoch);
            assertHoldsExactlyItsKeys(node5);
            assertEveryKeyIsOnEachOfItsReplicas();
            writes.assertReadAtAll(second, viaSecond);
        } finally {
            delaySources(Duration.ZERO);
        }
    }

    @Test
    void whenTheDrivingCoordinatorIsKilledAnotherResumesFromItsCheckpoints() throws Exception {
        StorageNodeEmulator node6 = emulator("node-6");
        Set<String> expected = expectedKeys(ringWith("node-6"), "node-6");
        int grpcPort = FreePorts.pick();
        Map<String, Object> db = first.cluster.properties();
        List<String> args = new ArrayList<>(List.of("--pairdb.coordinator.node-id=driver"));
        TIMINGS.forEach((k, v) -> args.add("--" + k + "=" + v));
        String changeId;
        long keysAtKill;
        try (CoordinatorProcess driver = CoordinatorProcess.start("driver", CoordinatorProcess.beside(db,
                db.get("datasources.default.url").toString(), grpcPort), args.toArray(String[]::new))) {
            driver.awaitLine("PairDB coordinator ready", Duration.ofMinutes(2));
            delaySources(Duration.ofMillis(25));
            var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            try {
                var admin = io.pairdb.proto.admin.v1.AdminServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                changeId = admin.addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("node-6")
                        .setHost(node6.host()).setPort(node6.port()).setVirtualNodes(150).build()).getChange().getChangeId();
            } finally {
                channel.shutdownNow();
            }
            waiting().until(() -> change(first, changeId).getTotals().getKeys() >= expected.size() / 3);
            assertThat(change(first, changeId).getLeaseOwner()).startsWith("driver-");
            // SIGKILL mid-stream: no orderly stop, no last checkpoint, the lease just runs out
            driver.close();
            keysAtKill = change(first, changeId).getTotals().getKeys();
        }
        assertThat(keysAtKill).isLessThan(expected.size());
        delaySources(Duration.ZERO);

        TopologyChange done = awaitEnd(first, changeId);

        assertThat(done.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        assertHoldsExactlyItsKeys(node6);
        // what was copied before the kill was not copied again: every write node-6 took was a streamed
        // entry, and only those after the last checkpoint (a tenth of a second of streaming) came twice
        assertThat(node6.stats().writes()).isGreaterThanOrEqualTo(expected.size())
                .isLessThan(expected.size() + keysAtKill / 2);
        assertThat(done.getTotals().getKeys()).isGreaterThanOrEqualTo(expected.size())
                .isLessThan(expected.size() + keysAtKill / 2);
    }

    @Test
    void streamsFailingPastTheTimeoutRollTheJoinBackWhileTheClusterServes() throws Exception {
        StorageNodeEmulator node7 = emulator("node-7");
        emulators.values().forEach(e -> e.faults().setFailStreams(true));
        TopologyChange change;
        Set<String> during;
        try (AcknowledgedWrites.Writer writer = writes.new Writer(first, "during-rollback-")) {
            writer.awaitAcknowledged(100);
            AddStorageNodeResponse added = add(first, node7, 150);
            change = awaitEnd(first, added.getChange().getChangeId());
            writer.awaitAcknowledged(writer.acknowledgedCount() + 100);
            during = writer.keys();
        } finally {
            emulators.values().forEach(e -> e.faults().setFailStreams(false));
        }

        assertThat(change.getStatus().name()).isEqualTo("CHANGE_STATUS_FAILED");
        assertThat(change.getError()).contains("kept failing").contains("streams fail");
        assertThat(nodeState("node-7")).isEqualTo("NODE_STATE_LEFT");
        assertThat(normalNodes()).doesNotContainKey("node-7");
        // nothing acknowledged is lost: every key is on each of its replicas, and what was written meanwhile reads back
        assertEveryKeyIsOnEachOfItsReplicas();
        writes.assertReadAtAll(first, during);
    }

    @Test
    void aDecommissionedNodeLeavesWithItsRangesHandedOver() throws Exception {
        // a node of its own to decommission; few vnodes, so joining costs little
        StorageNodeEmulator leaving = emulator("node-d");
        assertThat(awaitEnd(first, add(first, leaving, 16).getChange().getChangeId()).getStatus().name())
                .isEqualTo("CHANGE_STATUS_COMPLETED");
        TopologyChange change;
        Set<String> during;
        try (AcknowledgedWrites.Writer writer = writes.new Writer(first, "during-remove-")) {
            writer.awaitAcknowledged(100);
            var removing = first.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder().setNodeId("node-d").build());
            assertThat(removing.getNode().getState().name()).isEqualTo("NODE_STATE_LEAVING");
            change = awaitEnd(first, removing.getChange().getChangeId());
            writer.awaitAcknowledged(writer.acknowledgedCount() + 100);
            during = writer.keys();
        }

        assertThat(change.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        assertThat(nodeState("node-d")).as("kept for audit").isEqualTo("NODE_STATE_LEFT");
        assertEveryKeyIsOnEachOfItsReplicas();
        writes.assertReadAtAll(first, during);
    }

    @Test
    void aKilledNodeIsRemovedOnlyWithForceFromTheSurvivingReplicas() throws Exception {
        try (EmulatorProcess doomed = EmulatorProcess.start("node-p", FreePorts.pick())) {
            TopologyChange joined = awaitEnd(first, first.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                    .setNodeId("node-p").setHost("127.0.0.1").setPort(doomed.port).setVirtualNodes(150).build())
                    .getChange().getChangeId());
            assertThat(joined.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
            TopologyChange removal;
            Set<String> during;
            try (AcknowledgedWrites.Writer writer = writes.new Writer(first, "node-p-dead-")) {
                writer.awaitAcknowledged(50);
                doomed.kill();
                waiting().until(() -> first.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance())
                        .getNodesList().stream().anyMatch(n -> n.getNodeId().equals("node-p")
                                && n.getLiveness() == NodeLiveness.NODE_LIVENESS_DOWN));
                writer.awaitAcknowledged(writer.acknowledgedCount() + 100);

                assertThatThrownBy(() -> first.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                        .setNodeId("node-p").build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                            assertThat(reason(e)).isEqualTo("NODE_DOWN");
                        });
                var forced = first.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                        .setNodeId("node-p").setForce(true).build());
                assertThat(forced.getChange().getForce()).isTrue();
                removal = awaitEnd(first, forced.getChange().getChangeId());
                writer.awaitAcknowledged(writer.acknowledgedCount() + 50);
                during = writer.keys();
            }
            assertThat(removal.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
            assertThat(nodeState("node-p")).isEqualTo("NODE_STATE_LEFT");
            // hints written for it while it was down are handed to its ranges' replicas; thousands of them (9 700 in
            // one CI run, which took 98 s on a 2-core machine), so the wait is bounded generously
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> first.admin()
                    .getHintStats(GetHintStatsRequest.getDefaultInstance()).getNodesList()
                    .stream().noneMatch(n -> n.getNodeId().equals("node-p") && n.getPending() > 0));
            assertEveryKeyIsOnEachOfItsReplicas();
            writes.assertReadAtAll(first, during);
        }
    }

    @Test
    void aChangeOverlappingOneInFlightIsRefusedAndChangesOnDisjointRangesRunTogether() throws Exception {
        StorageNodeEmulator node8 = emulator("node-8");
        delaySources(Duration.ofMillis(50));
        String running = add(first, node8, 150).getChange().getChangeId();
        assertThatThrownBy(() -> add(first, emulator("node-9"), 150))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(reason(e)).isEqualTo("CHANGE_CONFLICT");
                    assertThat(e.getStatus().getDescription()).contains(running);
                });
        assertThat(nodeState("node-9")).isNull();
        delaySources(Duration.ZERO);
        assertThat(awaitEnd(first, running).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");

        // two one-vnode nodes whose ranges do not meet: both may join at once
        List<String> pair = disjointPair();
        StorageNodeEmulator x = emulator(pair.get(0));
        StorageNodeEmulator y = emulator(pair.get(1));
        delaySources(Duration.ofMillis(300));
        String one = add(first, x, 1).getChange().getChangeId();
        String two = add(first, y, 1).getChange().getChangeId();
        assertThat(first.admin().listChanges(ListChangesRequest.newBuilder().setInProgressOnly(true).build())
                .getChangesList()).extracting(TopologyChange::getChangeId).contains(one, two);
        delaySources(Duration.ZERO);

        assertThat(awaitEnd(first, one).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        assertThat(awaitEnd(first, two).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        assertHoldsExactlyItsKeys(x);
        assertHoldsExactlyItsKeys(y);
        assertEveryKeyIsOnEachOfItsReplicas();
    }

    // ---- cluster helpers --------------------------------------------------------------------------

    private StorageNodeEmulator emulator(String id) throws IOException {
        StorageNodeEmulator node = StorageNodeEmulator.start(id, 0);
        started.add(node);
        emulators.put(id, node);
        return node;
    }

    private AddStorageNodeResponse add(InProcessCoordinator via, StorageNodeEmulator node, int vnodes) {
        return via.admin().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId(node.nodeId())
                .setHost(node.host()).setPort(node.port()).setVirtualNodes(vnodes).build());
    }

    /** Slows every StreamRange (and every other data call) of the nodes in the ring. */
    private void delaySources(Duration delay) {
        Set<String> ring = normalNodes().keySet();
        emulators.forEach((id, e) -> {
            if (ring.contains(id)) {
                e.faults().setDelay(delay);
            }
        });
    }

    private TopologyChange change(InProcessCoordinator via, String id) {
        return via.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    private TopologyChange awaitEnd(InProcessCoordinator via, String id) {
        waiting().until(() -> !change(via, id).getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
        return change(via, id);
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100));
    }

    /** NORMAL nodes and their vnodes, as the coordinator lists them. */
    private Map<String, Integer> normalNodes() {
        Map<String, Integer> nodes = new TreeMap<>();
        first.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList().stream()
                .filter(n -> n.getState().name().equals("NODE_STATE_NORMAL"))
                .forEach(n -> nodes.put(n.getNodeId(), n.getVirtualNodes()));
        return nodes;
    }

    private String nodeState(String id) {
        return first.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList().stream()
                .filter(n -> n.getNodeId().equals(id)).map(n -> n.getState().name()).findFirst().orElse(null);
    }

    private Map<String, Integer> ringWith(String joining) {
        return ringWith(joining, 150);
    }

    private Map<String, Integer> ringWith(String joining, int vnodes) {
        Map<String, Integer> ring = normalNodes();
        ring.put(joining, vnodes);
        return ring;
    }

    /** Two ids of one-vnode nodes whose bootstraps would not conflict, by the coordinator's own rules. */
    private List<String> disjointPair() {
        Instant now = Instant.now();
        Map<String, Integer> ring = normalNodes();
        List<StorageNode> current = new ArrayList<>();
        ring.forEach((id, vnodes) -> current.add(new StorageNode(new NodeId(id), "127.0.0.1", 1, vnodes,
                NodeState.NORMAL, Liveness.UP, now, now)));
        TopologyView view = TopologyView.of(new Topology(1, current));
        List<Tenant> tenants = List.of(new Tenant(new TenantId(TENANT), RF, now, now, 1));
        for (int i = 0; i < 100; i++) {
            StorageNode a = joining("solo-" + i, now);
            var planA = PlanRangeStreams.forAdd(view, a, tenants);
            List<StorageNode> joined = new ArrayList<>(current);
            joined.add(a);
            TopologyView withA = TopologyView.of(new Topology(2, joined));
            var inFlight = new io.pairdb.core.topology.TopologyChange(new ChangeId("a"), ChangeType.ADD_NODE, a.id(),
                    ChangeStatus.IN_PROGRESS, 2, false, 0, planA.streams(), now, now, Optional.empty(), Optional.empty(),
                    Optional.empty());
            if (expectedKeys(plus(ring, a.id().value()), a.id().value()).size() < 5) {
                continue;
            }
            for (int j = i + 1; j < 100; j++) {
                StorageNode b = joining("solo-" + j, now);
                if (expectedKeys(plus(ring, b.id().value()), b.id().value()).size() >= 5
                        && ChangeConflicts.findForNode(withA, new io.pairdb.core.ring.Ring.Member(b.id(), b.virtualNodes()),
                        ChangeType.ADD_NODE, PlanRangeStreams.forAdd(view, b, tenants).streams(), List.of(inFlight), List.of(RF))
                        .isEmpty()) {
                    return List.of(a.id().value(), b.id().value());
                }
            }
        }
        throw new AssertionError("no two one-vnode nodes with disjoint ranges among 100 candidates");
    }

    private static Map<String, Integer> plus(Map<String, Integer> ring, String oneVnodeNode) {
        Map<String, Integer> with = new TreeMap<>(ring);
        with.put(oneVnodeNode, 1);
        return with;
    }

    private static StorageNode joining(String id, Instant now) {
        return new StorageNode(new NodeId(id), "127.0.0.1", 1, 1, NodeState.BOOTSTRAPPING, Liveness.UP, now, now);
    }

    // ---- checks ---------------------------------------------------------------------------------

    /** The node holds every acknowledged key the ring gives it, and nothing the ring does not give it. */
    private void assertHoldsExactlyItsKeys(StorageNodeEmulator node) {
        Map<String, Integer> ring = normalNodes();
        assertThat(ring).containsKey(node.nodeId());
        // eventually: the last replica of a write may take it a moment after the client got its answer
        waiting().untilAsserted(() -> assertHoldsExactlyItsKeys(node, ring));
    }

    private void assertHoldsExactlyItsKeys(StorageNodeEmulator node, Map<String, Integer> ring) {
        Set<String> held = keysHeld(node);
        Set<String> mustHold = new HashSet<>();
        acknowledged.keySet().forEach(k -> {
            if (replicas(ring, k).contains(node.nodeId())) {
                mustHold.add(k);
            }
        });
        Set<String> mayHold = new HashSet<>();
        attempted.keySet().forEach(k -> {
            if (replicas(ring, k).contains(node.nodeId())) {
                mayHold.add(k);
            }
        });
        assertThat(mustHold).as("keys %s must hold", node.nodeId()).isNotEmpty();
        assertThat(held).as("%s holds every acknowledged key of its ranges", node.nodeId()).containsAll(mustHold);
        assertThat(mayHold).as("%s holds nothing outside its ranges", node.nodeId()).containsAll(held);
    }

    /** The acknowledged keys whose replicas on this ring include the node. */
    private Set<String> expectedKeys(Map<String, Integer> ring, String node) {
        Set<String> keys = new HashSet<>();
        acknowledged.keySet().forEach(k -> {
            if (replicas(ring, k).contains(node)) {
                keys.add(k);
            }
        });
        return keys;
    }

    /**
     * Every acknowledged key sits on each of its replicas on the current ring (those running in this
     * JVM) — eventually: a write is acknowledged by a quorum, the last replica may take it a moment later.
     */
    private void assertEveryKeyIsOnEachOfItsReplicas() {
        Map<String, Integer> ring = normalNodes();
        waiting().untilAsserted(() -> assertEveryKeyIsOnEachOfItsReplicas(ring));
    }

    private void assertEveryKeyIsOnEachOfItsReplicas(Map<String, Integer> ring) {
        Map<String, Set<String>> held = new HashMap<>();
        ring.keySet().forEach(id -> held.put(id, keysHeld(emulators.get(id))));
        List<String> missing = new ArrayList<>();
        acknowledged.keySet().forEach(k -> replicas(ring, k).forEach(replica -> {
            if (!held.get(replica).contains(k)) {
                missing.add(k + "@" + replica);
            }
        }));
        assertThat(missing).as("acknowledged keys missing from a replica").isEmpty();
    }

    private static Set<String> keysHeld(StorageNodeEmulator node) {
        Set<String> keys = new HashSet<>();
        Iterator<io.pairdb.storage.server.StoredEntry> entries = node.store().scan(TokenRange.fullRing(), Optional.of(TENANT),
                Optional.empty());
        entries.forEachRemaining(e -> keys.add(e.key()));
        return keys;
    }

    // ---- an independent model of the ring (DESIGN.md §4) ------------------------------------------

    /** The key's replicas: the first RF distinct nodes clockwise from its token, by SHA-256 as the design says. */
    private static List<String> replicas(Map<String, Integer> ring, String key) {
        TreeMap<String, List<String>> byPosition = vnodes(ring);
        String token = position(TENANT + ":" + key);
        List<String> replicas = new ArrayList<>();
        Iterator<Map.Entry<String, List<String>>> walk = byPosition.tailMap(token, true).entrySet().iterator();
        boolean wrapped = false;
        while (replicas.size() < RF) {
            if (!walk.hasNext()) {
                if (wrapped) {
                    break;
                }
                walk = byPosition.entrySet().iterator();
                wrapped = true;
                continue;
            }
            for (String owner : walk.next().getValue()) {
                if (!replicas.contains(owner) && replicas.size() < RF) {
                    replicas.add(owner);
                }
            }
        }
        return replicas;
    }

    private static final Map<Map<String, Integer>, TreeMap<String, List<String>>> RINGS = new ConcurrentHashMap<>();

    /** Vnode positions as 16 hex digits (so string order is unsigned order) → owners, in id order on a tie. */
    private static TreeMap<String, List<String>> vnodes(Map<String, Integer> ring) {
        return RINGS.computeIfAbsent(Map.copyOf(ring), r -> {
            TreeMap<String, List<String>> positions = new TreeMap<>();
            new TreeMap<>(r).forEach((node, count) -> {
                for (int i = 0; i < count; i++) {
                    positions.computeIfAbsent(position(node + "-vnode-" + i), p -> new ArrayList<>()).add(node);
                }
            });
            return positions;
        });
    }

    private static String position(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
