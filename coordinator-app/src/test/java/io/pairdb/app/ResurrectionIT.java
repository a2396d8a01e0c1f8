package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The resurrection, end to end: write a key, fail a removal after streaming (the key was
 * copied to the node that would have taken it over), delete the key, purge tombstones, run the
 * removal again. The stray copy the failed removal left must be cleaned up like any moved range,
 * or the second removal hands the key to a node that still holds its old value and it comes back.
 */
class ResurrectionIT {
    private static final String TENANT = "ghost";
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.topology-changes.stream-failure-timeout", "20s",
            "pairdb.topology-changes.retry-backoff", "200ms",
            "pairdb.topology-changes.retry-backoff-max", "1s",
            "pairdb.cleanup.grace-period", "2s",
            "pairdb.cleanup.interval", "500ms"));

    @Test
    void aKeyDeletedAfterARemovalFailedStaysDeletedWhenTheNodeIsRemovedAgain() throws Exception {
        try (InProcessCoordinator host = InProcessCoordinator.start(4, TIMINGS)) {
            host.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(1).build());
            Map<String, StorageNodeEmulator> nodes = new HashMap<>();
            host.cluster.nodes().forEach(n -> nodes.put(n.nodeId(), n));
            Map<String, Integer> vnodes = new HashMap<>();
            host.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList()
                    .forEach(n -> vnodes.put(n.getNodeId(), n.getVirtualNodes()));
            Map<String, Integer> withoutNode4 = new HashMap<>(vnodes);
            withoutNode4.remove("node-4");
            // a key node-4 holds alone (RF 1), and the node that takes it over when node-4 goes
            String key = null;
            for (int i = 0; key == null; i++) {
                if (owner(vnodes, "k-" + i).equals("node-4")) {
                    key = "k-" + i;
                }
            }
            String heir = owner(withoutNode4, key);
            String other = withoutNode4.keySet().stream().filter(n -> !n.equals(heir)).sorted().findFirst().orElseThrow();
            host.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                    .setValue(ByteString.copyFrom("alive", StandardCharsets.UTF_8)).setConsistency("all").build());
            // data in node-4's other ranges, so the streams to every heir carry batches
            new AcknowledgedWrites(TENANT).preload(host, "filler-", 400);

            // the removal fails after streaming: another heir refuses every batch until the stream timeout
            nodes.get(other).faults().failNextWrites(Integer.MAX_VALUE);
            TopologyChange failed = awaitEnd(host, remove(host));
            nodes.get(other).faults().failNextWrites(0);
            assertThat(failed.getStatus().name()).isEqualTo("CHANGE_STATUS_FAILED");
            assertThat(nodes.get(heir).store().get(TENANT, key)).as("the failed removal copied the key to " + heir)
                    .isPresent();
            // whatever the failed change's cleanup does, it has done it
            waiting().until(() -> change(host, failed.getChangeId()).getCleanup().getTotals().getPending() == 0);

            host.data().deleteKeyValue(DeleteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                    .setConsistency("all").build());
            nodes.values().forEach(StorageNodeEmulator::purgeAllTombstones);
            TopologyChange again = awaitEnd(host, remove(host));
            assertThat(again.getStatus().name()).isEqualTo("CHANGE_STATUS_COMPLETED");

            String deleted = key;
            assertThatThrownBy(() -> host.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT)
                    .setKey(deleted).setConsistency("all").build()))
                    .as("the deleted key stays deleted").isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
            assertThat(change(host, failed.getChangeId()).getCleanup().getRangesList())
                    .anyMatch(r -> r.getStrayCopy() && r.getNodeId().equals(heir) && r.getKeysDeleted() > 0);
        }
    }

    private static String remove(InProcessCoordinator host) {
        return host.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder().setNodeId("node-4").build())
                .getChange().getChangeId();
    }

    /** The key's RF 1 replica on a ring of these nodes, by the coordinator's own ring code. */
    private static String owner(Map<String, Integer> vnodes, String key) {
        List<Ring.Member> members = new ArrayList<>();
        vnodes.forEach((id, count) -> members.add(new Ring.Member(new NodeId(id), count)));
        return Ring.of(members).replicasFor(Token.forKey(TENANT, key), 1).getFirst().value();
    }

    private static TopologyChange change(InProcessCoordinator host, String id) {
        return host.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    private static TopologyChange awaitEnd(InProcessCoordinator host, String id) {
        return waiting().until(() -> change(host, id), c -> !c.getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200));
    }
}
