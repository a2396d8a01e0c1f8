package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.ring.Token;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.ChangeCleanup;
import io.pairdb.proto.admin.v1.CleanupOutcome;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.ForceCleanupRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.RangeCleanup;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.storage.server.TokenRange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cleanup after a node joined, end to end with emulator storage nodes and a test-short grace
 * period: the former owners' copies go once it is over, even though the coordinator that drove
 * the change stopped before then and another took over; a range whose new replicas lost a key is
 * kept and says why; forcing the cleanup deletes it anyway and records who asked and why; and
 * every key still reads back at {@code all}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CleanupIT {
    private static final String TENANT = "cleaned";
    private static final int KEYS = 600;
    // a gc grace of 60 s makes the handover window 30 s: the lost key, written before the change and
    // its 30 s grace period, is too old to be handed over, so its range stays skipped until forced
    // (RunCleanupTest covers the handover of a young entry)
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.cleanup.grace-period", "30s",
            "pairdb.cleanup.interval", "500ms",
            "pairdb.storage.tombstone-gc-grace", "60s",
            "pairdb.hints.ttl", "50s",
            "pairdb.coordinator.idempotency-ttl", "5s",
            "pairdb.repair.period", "0s"));

    /** Hosts the cluster (PostgreSQL, Redis, three storage nodes) and does no cleanup itself. */
    private InProcessCoordinator host;
    private final Map<String, StorageNodeEmulator> emulators = new LinkedHashMap<>();
    private StorageNodeEmulator node4;

    @BeforeAll
    void startCluster() throws Exception {
        Map<String, Object> noCleanup = new HashMap<>(TIMINGS);
        noCleanup.put("pairdb.cleanup.enabled", "false");
        host = InProcessCoordinator.start(3, noCleanup);
        host.cluster.nodes().forEach(n -> emulators.put(n.nodeId(), n));
        host.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                String key = "key-" + i;
                writes.add(writers.submit(() -> host.data().writeKeyValue(WriteKeyValueRequest.newBuilder()
                        .setTenantId(TENANT).setKey(key).setValue(ByteString.copyFrom(value(key), StandardCharsets.UTF_8))
                        .setConsistency("all").setCausalContext(VectorClock.getDefaultInstance()).build())));
            }
            for (Future<?> f : writes) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
        node4 = StorageNodeEmulator.start("node-4", 0);
        emulators.put("node-4", node4);
    }

    @AfterAll
    void stopCluster() {
        if (host != null) {
            host.close();
        }
        if (node4 != null) {
            node4.close();
        }
    }

    private static String value(String key) {
        return "value-of-" + key;
    }

    @Test
    void formerOwnersCopiesGoAfterTheGracePeriodAcrossARestartExceptWhereANewReplicaLostAKeyUntilForced()
            throws Exception {
        TopologyChange change;
        String victim;
        String former;
        try (InProcessCoordinator driver = InProcessCoordinator.alongside(host, TIMINGS)) {
            String id = driver.admin().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("node-4")
                    .setHost(node4.host()).setPort(node4.port()).setVirtualNodes(150).build()).getChange().getChangeId();
            waiting().until(() -> change(driver, id).getStatus().name().equals("CHANGE_STATUS_COMPLETED"));
            change = change(driver, id);

            // a key node-4 now replicates: two of its three new replicas lose it before the grace period ends
            victim = null;
            List<String> replicas = List.of();
            for (int i = 0; i < KEYS && victim == null; i++) {
                replicas = driver.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                        .setKey("key-" + i).build()).getReplicaNodeIdsList();
                if (replicas.contains("node-4")) {
                    victim = "key-" + i;
                }
            }
            assertThat(victim).isNotNull();
            List<String> newReplicas = replicas;
            former = List.of("node-1", "node-2", "node-3").stream().filter(n -> !newReplicas.contains(n)).findFirst()
                    .orElseThrow();
            long token = Token.forKey(TENANT, victim).value();
            for (String lost : List.of("node-4", newReplicas.stream().filter(n -> !n.equals("node-4")).findFirst()
                    .orElseThrow())) {
                assertThat(emulators.get(lost).store().deleteRange(new TokenRange(token - 1, token), Optional.of(TENANT)))
                        .isEqualTo(1);
            }
            ChangeCleanup before = change(driver, id).getCleanup();
            assertThat(before.getTotals().getRanges()).isPositive();
            assertThat(before.getTotals().getPending()).as("nothing cleaned up within the grace period")
                    .isEqualTo(before.getTotals().getRanges());
            assertThat(before.hasDueAt()).isTrue();
        }
        // the coordinator that drove the change is gone before the grace period ended; another cleans up
        try (InProcessCoordinator successor = InProcessCoordinator.alongside(host, TIMINGS)) {
            String id = change.getChangeId();
            ChangeCleanup cleanup = waiting().until(() -> change(successor, id).getCleanup(),
                    c -> c.getTotals().getPending() == 0);

            List<RangeCleanup> skipped = cleanup.getRangesList().stream()
                    .filter(r -> r.getOutcome() == CleanupOutcome.CLEANUP_OUTCOME_SKIPPED).toList();
            long victimToken = Token.forKey(TENANT, victim).value();
            String formerOwner = former;
            String lostKey = victim;
            assertThat(skipped).as("only the range holding the lost key is kept").singleElement().satisfies(r -> {
                assertThat(r.getNodeId()).isEqualTo(formerOwner);
                assertThat(contains(r, victimToken)).isTrue();
                assertThat(r.getReason()).contains("lacks key '" + lostKey + "'");
            });
            assertThat(cleanup.getTotals().getDeleted()).isPositive();
            assertThat(cleanup.getTotals().getKeysDeleted()).isPositive();
            // every key is on its three replicas, plus what the skipped range still holds on its former owner
            long keptOnFormer = keysIn(skipped.getFirst());
            assertThat(totalKeys()).isEqualTo(KEYS * 3L - 2 + keptOnFormer);

            StatusRuntimeException noReason = catchRpc(() -> successor.admin().forceCleanup(ForceCleanupRequest
                    .newBuilder().setChangeId(id).setReason(" ").build()));
            assertThat(reason(noReason)).isEqualTo("REASON_REQUIRED");
            assertThat(reason(catchRpc(() -> successor.admin().forceCleanup(ForceCleanupRequest.newBuilder()
                    .setChangeId("add-nobody-e1").setReason("why").build())))).isEqualTo("CHANGE_NOT_FOUND");

            var forced = successor.admin().forceCleanup(ForceCleanupRequest.newBuilder().setChangeId(id)
                    .setReason("the lost key was restored by hand").setRequestedBy("cleanup-it").build());
            assertThat(forced.getCleanup().getForced().getReason()).isEqualTo("the lost key was restored by hand");
            // who asked is the caller as authenticated (here: nobody, authentication is off), never what it claims
            assertThat(forced.getCleanup().getForced().getRequestedBy()).startsWith("anonymous (authentication off) via ")
                    .doesNotContain("cleanup-it");
            ChangeCleanup done = waiting().until(() -> change(successor, id).getCleanup(),
                    c -> c.getTotals().getPending() == 0 && c.getTotals().getSkipped() == 0);
            assertThat(done.getForced().getReason()).isEqualTo("the lost key was restored by hand");
            assertThat(totalKeys()).as("every key on exactly its replicas (the victim on the one that kept it)")
                    .isEqualTo(KEYS * 3L - 2);

            assertEveryKeyReadsAtAll(successor);
        }
    }

    private TopologyChange change(InProcessCoordinator via, String id) {
        return via.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    private long totalKeys() {
        return emulators.values().stream().mapToLong(e -> e.store().keyCount()).sum();
    }

    private static boolean contains(RangeCleanup r, long token) {
        return new io.pairdb.core.ring.TokenRange(new Token(r.getStartExclusive()), new Token(r.getEndInclusive()))
                .contains(new Token(token));
    }

    /** How many of the written keys lie in the range. */
    private static long keysIn(RangeCleanup r) {
        long count = 0;
        for (int i = 0; i < KEYS; i++) {
            if (contains(r, Token.forKey(TENANT, "key-" + i).value())) {
                count++;
            }
        }
        return count;
    }

    private void assertEveryKeyReadsAtAll(InProcessCoordinator via) {
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "key-" + i;
            try {
                String read = via.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                        .setConsistency("all").build()).getValue().toStringUtf8();
                if (!read.equals(value(key))) {
                    lost.add(key + " read " + read);
                }
            } catch (StatusRuntimeException e) {
                lost.add(key + ": " + e.getStatus());
            }
        }
        assertThat(lost).as("keys that do not read back at all").isEmpty();
    }

    private static StatusRuntimeException catchRpc(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250));
    }
}
