package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ForceCleanupRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * A cleanup and a change on overlapping ranges, end to end: a node joins with one vnode (RF 1), and
 * while the cleanup's delete of that range on its former owner is slow (held back by the emulator),
 * the node is removed again, which makes the former owner the range's replica once more. The delete
 * must not run after the range came back, or every key of it is gone: the removal waits for it.
 */
class CleanupRaceIT {
    private static final String TENANT = "race";
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.cleanup.interval", "500ms"));

    @Test
    void aChangeStartedWhileARangeDeleteIsSlowWaitsForItAndLosesNothing() throws Exception {
        try (InProcessCoordinator host = InProcessCoordinator.start(3, TIMINGS);
             StorageNodeEmulator node4 = StorageNodeEmulator.start("node-4", 0)) {
            host.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(1).build());
            AcknowledgedWrites writes = new AcknowledgedWrites(TENANT);
            // keys the one-vnode node-4 will own, so the range it takes holds data worth losing
            List<String> moving = keysNode4WillOwn(host, 60);
            for (String key : moving) {
                writes.write(host, key);
            }
            writes.preload(host, "other-", 200);

            String added = host.admin().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("node-4")
                    .setHost(node4.host()).setPort(node4.port()).setVirtualNodes(1).build()).getChange().getChangeId();
            assertThat(awaitEnd(host, added).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
            assertThat(node4.store().keyCount()).isGreaterThanOrEqualTo(moving.size());

            host.cluster.nodes().forEach(n -> n.faults().holdRangeDeletes(TENANT));
            host.admin().forceCleanup(ForceCleanupRequest.newBuilder().setChangeId(added)
                    .setReason("make the moved range due now").setRequestedBy("cleanup-race-it").build());
            waiting().until(() -> host.cluster.nodes().stream().mapToInt(n -> n.faults().heldRangeDeletes()).sum() > 0);

            AtomicReference<StatusRuntimeException> refused = new AtomicReference<>();
            try (AcknowledgedWrites.Writer writer = writes.new Writer(host, "during-")) {
                writer.awaitAcknowledged(50);
                String removal = tryRemoveNode4(host, refused);
                if (removal != null) {
                    // started beside the slow delete: it gives the range back to its former owner
                    assertThat(awaitEnd(host, removal).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
                }
                host.cluster.nodes().forEach(n -> n.faults().releaseRangeDeletes());
                if (removal == null) {
                    String later = waiting().until(() -> tryRemoveNode4(host, new AtomicReference<>()), id -> id != null);
                    assertThat(awaitEnd(host, later).getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");
                }
                writer.awaitAcknowledged(writer.acknowledgedCount() + 50);
            } finally {
                host.cluster.nodes().forEach(n -> n.faults().releaseRangeDeletes());
            }

            writes.assertEveryAcknowledgedKeyReadsAtAll(host);
            assertThat(refused.get()).as("the removal was refused while the delete could run").isNotNull();
            assertThat(reason(refused.get())).isEqualTo("CHANGE_CONFLICT");
            assertThat(refused.get().getStatus().getDescription()).contains("the cleanup of change " + added);
        }
    }

    /** Starts removing node-4; its change id, or null when refused (the refusal kept in {@code refused}). */
    private static String tryRemoveNode4(InProcessCoordinator host, AtomicReference<StatusRuntimeException> refused) {
        try {
            return host.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder().setNodeId("node-4").build())
                    .getChange().getChangeId();
        } catch (StatusRuntimeException e) {
            if (!"CHANGE_CONFLICT".equals(reason(e))) {
                throw e;
            }
            refused.set(e);
            return null;
        }
    }

    private static List<String> keysNode4WillOwn(InProcessCoordinator host, int count) {
        List<Ring.Member> members = new ArrayList<>();
        host.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList()
                .forEach(n -> members.add(new Ring.Member(new NodeId(n.getNodeId()), n.getVirtualNodes())));
        members.add(new Ring.Member(new NodeId("node-4"), 1));
        Ring future = Ring.of(members);
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = "moving-" + i;
            if (future.replicasFor(Token.forKey(TENANT, key), 1).equals(List.of(new NodeId("node-4")))) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static TopologyChange awaitEnd(InProcessCoordinator host, String id) {
        return waiting().until(() -> host.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build())
                .getChange(), c -> !c.getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200));
    }
}
