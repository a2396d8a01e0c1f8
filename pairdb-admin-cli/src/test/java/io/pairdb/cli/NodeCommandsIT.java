package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.StorageNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeCommandsIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void addsANodeWithTheServerDefaultVnodesWhenNoneAreGiven() {
        var result = cli().run("node", "add", "node-1", "--host", "10.0.0.1", "--port", "7001", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastAdd.getVirtualNodes()).isZero();
        assertThat(result.stdout()).isEqualTo("OK node node-1 added at 10.0.0.1:7001 with 150 vnodes, state NORMAL (ring epoch 2)\n");
    }

    @Test
    void sendsTheVnodesAsked() {
        var result = cli().run("node", "add", "node-1", "--host", "10.0.0.1", "--port", "7001", "--vnodes", "16",
                "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastAdd.getVirtualNodes()).isEqualTo(16);
        assertThat(coordinator.admin.lastAdd.getAllowExistingData()).as("only when asked").isFalse();
    }

    @Test
    void addsANodeThatHoldsDataOnlyWhenAskedTo() {
        var result = cli().run("node", "add", "node-1", "--host", "10.0.0.1", "--port", "7001", "--allow-existing-data",
                "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastAdd.getAllowExistingData()).isTrue();
    }

    @Test
    void refusesToAddANodeWithoutAPort() {
        var result = cli().run("node", "add", "node-1", "--host", "10.0.0.1", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: Missing required option: '--port=PORT'").contains("Usage: pairdb-admin node add");
        assertThat(coordinator.admin.lastAdd).isNull();
    }

    @Test
    void listsNodesLikeNodetoolStatus() {
        coordinator.admin.nodes.add(node("node-1", NodeState.NODE_STATE_NORMAL, NodeLiveness.NODE_LIVENESS_UP, 33.34)
                .toBuilder().setHintsPending(0).build());
        // no hint count: the coordinator could not read its hint store
        coordinator.admin.nodes.add(node("node-2", NodeState.NODE_STATE_BOOTSTRAPPING, NodeLiveness.NODE_LIVENESS_UP, 0));
        coordinator.admin.nodes.add(node("node-3", NodeState.NODE_STATE_LEAVING, NodeLiveness.NODE_LIVENESS_DOWN, 66.66)
                .toBuilder().setHintsPending(1234).build());
        coordinator.admin.ringEpoch = 7;

        var result = cli().run("node", "list", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                Status=Up/Down
                |/ State=Normal/Joining/Leaving
                --  ID      ADDRESS        VNODES  OWNS   HINTS  STATE
                UN  node-1  10.0.0.1:7001  150     33.3%  0      NORMAL
                UJ  node-2  10.0.0.2:7001  150     0.0%   ?      BOOTSTRAPPING
                DL  node-3  10.0.0.3:7001  150     66.7%  1234   LEAVING
                Ring epoch: 7
                """);
    }

    @Test
    void listsNodesAsJsonWithStateLivenessOwnershipAndHints() throws Exception {
        coordinator.admin.nodes.add(node("node-3", NodeState.NODE_STATE_LEAVING, NodeLiveness.NODE_LIVENESS_DOWN, 66.66)
                .toBuilder().setHintsPending(12).build());
        coordinator.admin.ringEpoch = 7;

        var result = cli().run("node", "list", "-o", "json", "--addr", coordinator.address());

        JsonNode document = new ObjectMapper().readTree(result.stdout());
        assertThat(document.get("ring_epoch").asLong()).isEqualTo(7);
        JsonNode node = document.get("nodes").get(0);
        assertThat(node.get("node_id").asText()).isEqualTo("node-3");
        assertThat(node.get("address").asText()).isEqualTo("10.0.0.3:7001");
        assertThat(node.get("state").asText()).isEqualTo("LEAVING");
        assertThat(node.get("liveness").asText()).isEqualTo("DOWN");
        assertThat(node.get("status").asText()).isEqualTo("DL");
        assertThat(node.get("ownership_percent").asDouble()).isEqualTo(66.66);
        assertThat(node.get("virtual_nodes").asInt()).isEqualTo(150);
        assertThat(node.get("hints_pending").asLong()).isEqualTo(12);
    }

    private static StorageNode node(String id, NodeState state, NodeLiveness liveness, double ownership) {
        return StorageNode.newBuilder()
                .setNodeId(id)
                .setHost("10.0.0." + id.charAt(id.length() - 1))
                .setPort(7001)
                .setVirtualNodes(150)
                .setState(state)
                .setLiveness(liveness)
                .setOwnershipPercent(ownership)
                .build();
    }
}
