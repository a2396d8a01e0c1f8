package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.pairdb.core.ring.Token;
import io.pairdb.core.version.VectorClock;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A forced removal of a dead node, end to end: a write acknowledged at quorum by the dead node and
 * one survivor only (the other survivor missed it, its hint gone) must reach the node that takes the
 * dead one's place, whichever survivor held it, so that it stays readable at quorum.
 */
class ForcedRemovalIT {
    private static final String TENANT = "forced";

    private static final String KEY = "acknowledged-by-two";

    @Test
    void aQuorumWriteTheDeadNodeSharedWithOneSurvivorOnlyStaysReadableAtQuorum() {
        try (InProcessCoordinator coordinator = InProcessCoordinator.withVirtualNodes(4, 16, Map.of())) {
            StorageNodeEmulator lastSurvivor = writtenToTheDeadNodeAndTheLastSurvivorThenRemovedByForce(coordinator);

            lastSurvivor.faults().setUnavailable(true);

            assertThat(quorumRead(coordinator)).isEqualTo(ByteString.copyFromUtf8("acknowledged"));
        }
    }

    /**
     * Three nodes, RF 3: a forced removal leaves two, and the node added back to make three must get
     * every range from both, since a quorum write from before may be on either one only.
     */
    @Test
    void aNodeAddedToTheRingAForcedRemovalLeftBelowTheRfGetsWhatEitherSurvivorHolds() throws Exception {
        try (InProcessCoordinator coordinator = InProcessCoordinator.withVirtualNodes(3, 16, Map.of());
             StorageNodeEmulator added = StorageNodeEmulator.start("node-added", 0)) {
            StorageNodeEmulator lastSurvivor = writtenToTheDeadNodeAndTheLastSurvivorThenRemovedByForce(coordinator);

            String addition = coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                    .setNodeId(added.nodeId()).setHost(added.host()).setPort(added.port()).setVirtualNodes(16).build())
                    .getChange().getChangeId();
            waiting().until(() -> !change(coordinator, addition).getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
            assertThat(change(coordinator, addition).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
            lastSurvivor.faults().setUnavailable(true);

            assertThat(quorumRead(coordinator)).isEqualTo(ByteString.copyFromUtf8("acknowledged"));
        }
    }

    /**
     * An RF 3 tenant whose write of {@link #KEY} reached the first of its replicas and the last of the
     * other two, in ring order (the survivor a single stream would read first lacks it); the first
     * then dies and is removed by force. Answers the survivor that holds the write.
     */
    private static StorageNodeEmulator writtenToTheDeadNodeAndTheLastSurvivorThenRemovedByForce(
            InProcessCoordinator coordinator) {
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT)
                .setReplicationFactor(3).build());
        List<String> replicas = coordinator.admin().explainKey(ExplainKeyRequest.newBuilder().setTenantId(TENANT)
                .setKey(KEY).build()).getReplicaNodeIdsList();
        assertThat(replicas).hasSize(3);
        StorageNodeEmulator dead = node(coordinator, replicas.get(0));
        StorageNodeEmulator lastSurvivor = node(coordinator, replicas.get(2));
        StoredEntry acknowledged = new StoredEntry(TENANT, KEY, Token.forKey(TENANT, KEY).value(),
                StoredVersion.value("acknowledged", VectorClock.of("writer", 1), System.currentTimeMillis()));
        dead.store().apply(acknowledged);
        lastSurvivor.store().apply(acknowledged);

        dead.faults().setUnavailable(true);
        waiting().until(() -> coordinator.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance())
                .getNodesList().stream().anyMatch(n -> n.getNodeId().equals(dead.nodeId())
                        && n.getLiveness() == NodeLiveness.NODE_LIVENESS_DOWN));
        String removal = coordinator.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                .setNodeId(dead.nodeId()).setForce(true).build()).getChange().getChangeId();
        waiting().until(() -> !change(coordinator, removal).getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
        assertThat(change(coordinator, removal).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
        return lastSurvivor;
    }

    private static ByteString quorumRead(InProcessCoordinator coordinator) {
        return coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(KEY)
                .setConsistency("quorum").build()).getValue();
    }

    private static StorageNodeEmulator node(InProcessCoordinator coordinator, String id) {
        return coordinator.cluster.nodes().stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
    }

    private static TopologyChange change(InProcessCoordinator coordinator, String id) {
        return coordinator.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    private static org.awaitility.core.ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100));
    }
}
