package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.ring.Token;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.ChangeStatus;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.ExplainKeyResponse;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorResponse;
import io.pairdb.storage.server.TokenRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Changing a tenant's replication factor while it is written to, end to end: a coordinator in
 * front of four storage nodes. What a user notices: after a raise, every acknowledged key is on
 * every one of its replicas at the new RF (checked in the storage nodes themselves, not through a
 * read that repair could mask) and reads back at {@code all}; a lowering first brings the kept
 * replicas up to date (a quorum write the kept replica missed still reads back at RF 1), and after
 * the grace period the copies on the replicas no longer used are deleted, nothing lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationFactorChangeIT {
    private static final String TENANT = "growing";
    private static final int PRELOADED_KEYS = 2_000;
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.failure-detector.timeout", "5s",
            "pairdb.cleanup.grace-period", "3s",
            "pairdb.cleanup.interval", "500ms"));

    private InProcessCoordinator coordinator;
    private final Map<String, StorageNodeEmulator> nodes = new ConcurrentHashMap<>();
    private final AcknowledgedWrites writes = new AcknowledgedWrites(TENANT);
    private final Map<String, String> acknowledged = writes.acknowledged;

    @BeforeAll
    void startCluster() throws Exception {
        coordinator = InProcessCoordinator.start(4, TIMINGS);
        coordinator.cluster.nodes().forEach(n -> nodes.put(n.nodeId(), n));
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(2)
                .build());
        writes.preload(coordinator, "pre-", PRELOADED_KEYS);
        assertThat(acknowledged).hasSize(PRELOADED_KEYS);
    }

    @AfterAll
    void stopCluster() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    @Order(1)
    void raisingTheFactorUnderWritesPutsEveryAcknowledgedKeyOnAllItsNewReplicas() throws Exception {
        TopologyChange change;
        try (AcknowledgedWrites.Writer writer = writes.new Writer(coordinator, "during-raise-")) {
            writer.awaitAcknowledged(100);
            UpdateReplicationFactorResponse raised = setRf(3);
            change = raised.getChange();
            assertThat(change.getType()).isEqualTo(ChangeType.CHANGE_TYPE_CHANGE_RF);
            assertThat(change.getTenantId()).isEqualTo(TENANT);
            assertThat(change.getFromReplicationFactor()).isEqualTo(2);
            assertThat(change.getToReplicationFactor()).isEqualTo(3);
            assertThat(raised.getTenant().getReplicationFactor()).as("reads keep RF 2 while data moves").isEqualTo(2);
            assertThat(raised.getTenant().getPendingReplicationFactor()).isEqualTo(3);

            TopologyChange done = awaitEnd(change.getChangeId());
            assertThat(done.getStatus()).as(done.getError()).isEqualTo(ChangeStatus.CHANGE_STATUS_COMPLETED);
            assertThat(done.getTotals().getKeys()).as("keys streamed to the new replicas").isPositive();
            writer.awaitAcknowledged(writer.acknowledgedCount() + 50);
        }

        var tenant = coordinator.admin().getTenant(GetTenantRequest.newBuilder().setTenantId(TENANT).build()).getTenant();
        assertThat(tenant.getReplicationFactor()).isEqualTo(3);
        assertThat(tenant.hasPendingReplicationFactor()).isFalse();
        List<String> missing = new ArrayList<>();
        for (String key : acknowledged.keySet()) {
            ExplainKeyResponse where = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                    .setKey(key).build());
            assertThat(where.getReplicaNodeIdsList()).hasSize(3);
            for (String replica : where.getReplicaNodeIdsList()) {
                var held = nodes.get(replica).store().get(TENANT, key);
                if (held.isEmpty()) {
                    missing.add(key + " on " + replica);
                }
            }
        }
        assertThat(missing).as("acknowledged keys missing from one of their 3 replicas").isEmpty();
        writes.assertEveryAcknowledgedKeyReadsAtAll(coordinator);
    }

    @Test
    @Order(2)
    void loweringTheFactorIsAChangeAndCleanupRemovesTheExtraCopiesAfterTheGracePeriod() throws Exception {
        UpdateReplicationFactorResponse lowered = setRf(2);

        TopologyChange change = lowered.getChange();
        assertThat(lowered.getTenant().getReplicationFactor()).as("the old RF serves while the kept replicas catch up")
                .isEqualTo(3);
        assertThat(awaitEnd(change.getChangeId()).getStatus()).isEqualTo(ChangeStatus.CHANGE_STATUS_COMPLETED);
        assertThat(coordinator.admin().getTenant(GetTenantRequest.newBuilder().setTenantId(TENANT).build()).getTenant()
                .getReplicationFactor()).isEqualTo(2);
        ExplainKeyResponse where = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                .setKey("pre-1").build());
        assertThat(where.getReplicaNodeIdsList()).hasSize(2);
        writes.assertEveryAcknowledgedKeyReadsAtAll(coordinator);

        // after the (test-short) grace period the cleanup deletes the tenant's copies from the
        // replicas RF 2 no longer uses, once the remaining replicas are verified to hold them
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var cleanup = coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(change.getChangeId())
                    .build()).getChange().getCleanup();
            return cleanup.getTotals().getRanges() > 0 && cleanup.getTotals().getPending() == 0
                    && cleanup.getTotals().getSkipped() == 0;
        });
        var cleanup = coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(change.getChangeId())
                .build()).getChange().getCleanup();
        assertThat(cleanup.getTotals().getDeleted()).as(cleanup.toString()).isPositive();
        assertThat(cleanup.getTotals().getKeysDeleted()).as("one extra copy per key").isGreaterThanOrEqualTo(acknowledged.size());
        List<String> wrong = new ArrayList<>();
        for (String key : acknowledged.keySet()) {
            List<String> replicas = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                    .setKey(key).build()).getReplicaNodeIdsList();
            nodes.forEach((id, node) -> {
                boolean held = node.store().get(TENANT, key).isPresent();
                if (held != replicas.contains(id)) {
                    wrong.add(key + (held ? " still on former replica " : " missing from replica ") + id);
                }
            });
        }
        assertThat(wrong).as("copies not where RF 2 puts them").isEmpty();
        writes.assertEveryAcknowledgedKeyReadsAtAll(coordinator);
    }

    @Test
    @Order(3)
    void loweringFromThreeToOneKeepsAQuorumWriteTheKeptReplicaMissed() throws Exception {
        String tenant = "shrinking";
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(tenant).setReplicationFactor(3)
                .build());
        AcknowledgedWrites shrinking = new AcknowledgedWrites(tenant);
        shrinking.preload(coordinator, "k-", 200);
        // the first replica of each of these keys, the one RF 1 keeps, missed its write
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = "k-" + i;
            String first = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(tenant).setKey(key)
                    .build()).getReplicaNodeIdsList().getFirst();
            long token = Token.forKey(tenant, key).value();
            assertThat(nodes.get(first).store().deleteRange(new TokenRange(token - 1, token),
                    Optional.of(tenant))).isEqualTo(1);
            missed.add(key);
        }

        TopologyChange change = coordinator.admin().updateReplicationFactor(UpdateReplicationFactorRequest.newBuilder()
                .setTenantId(tenant).setReplicationFactor(1).build()).getChange();
        assertThat(awaitEnd(change.getChangeId()).getStatus()).isEqualTo(ChangeStatus.CHANGE_STATUS_COMPLETED);

        shrinking.assertReadAtAll(coordinator, Set.copyOf(missed));
        shrinking.assertEveryAcknowledgedKeyReadsAtAll(coordinator);
    }

    @Test
    @Order(4)
    void boundsAndNoOpsAreAnsweredClearly() {
        assertThat(setRf(2).hasChange()).as("the same RF starts no change").isFalse();
        assertThatThrownBy(() -> setRf(5)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("exceeds the 4 storage nodes");
        });
        assertThatThrownBy(() -> setRf(0)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private UpdateReplicationFactorResponse setRf(int rf) {
        return coordinator.admin().updateReplicationFactor(UpdateReplicationFactorRequest.newBuilder()
                .setTenantId(TENANT).setReplicationFactor(rf).build());
    }

    private TopologyChange awaitEnd(String changeId) {
        TopologyChange[] last = new TopologyChange[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(changeId).build())
                    .getChange();
            return last[0].getStatus() != ChangeStatus.CHANGE_STATUS_IN_PROGRESS;
        });
        return last[0];
    }
}
