package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.ExplainKeyResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExplainKeyIT {

    /** A token above 2^63, which a signed long shows as negative. */
    private static final String HIGH_TOKEN = "18446744073709551615";

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.addTenant("acme", 3);
        coordinator.admin.explanation = ExplainKeyResponse.newBuilder()
                .setToken(Long.parseUnsignedLong(HIGH_TOKEN))
                .setReplicationFactor(3)
                .addReplicaNodeIds("node-1").addReplicaNodeIds("node-2").addReplicaNodeIds("node-3")
                .addPendingNodeIds("node-4")
                .setRingEpoch(9)
                .build();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void showsTheTokenUnsignedWithReplicasPendingReplicasAndEpoch() {
        var result = cli().run("explain-key", "acme", "user:1", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastExplain.getKey()).isEqualTo("user:1");
        assertThat(result.stdout()).isEqualTo("""
                TENANT      acme
                KEY         user:1
                TOKEN       18446744073709551615
                RF          3
                REPLICAS    node-1, node-2, node-3
                PENDING     node-4
                RING EPOCH  9
                """);
    }

    @Test
    void givesTheTokenInJsonAsAStringSoNoDigitIsLost() throws Exception {
        var result = cli().run("explain-key", "acme", "user:1", "-o", "json", "--addr", coordinator.address());

        JsonNode explained = new ObjectMapper().readTree(result.stdout());
        assertThat(explained.get("token").isTextual()).isTrue();
        assertThat(explained.get("token").asText()).isEqualTo(HIGH_TOKEN);
        assertThat(explained.get("replica_node_ids")).extracting(JsonNode::asText).containsExactly("node-1", "node-2", "node-3");
        assertThat(explained.get("pending_node_ids")).extracting(JsonNode::asText).containsExactly("node-4");
        assertThat(explained.get("ring_epoch").asLong()).isEqualTo(9);
    }
}
