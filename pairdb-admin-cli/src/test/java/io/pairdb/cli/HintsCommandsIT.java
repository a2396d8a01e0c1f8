package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.pairdb.proto.admin.v1.GetHintStatsResponse;
import io.pairdb.proto.admin.v1.HintsDropped;
import io.pairdb.proto.admin.v1.NodeHintStats;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.ReplayEnding;
import io.pairdb.proto.admin.v1.ReplayHintsResponse;
import io.pairdb.proto.admin.v1.StorageNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HintsCommandsIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.hintStats = GetHintStatsResponse.newBuilder()
                .setCoordinatorId("coord-a")
                .setCountingSince(FakeAdminService.CREATED)
                .setTakenAt(Timestamp.newBuilder().setSeconds(FakeAdminService.CREATED.getSeconds() + 3600))
                .addNodes(NodeHintStats.newBuilder().setNodeId("node-1").setLiveness(NodeLiveness.NODE_LIVENESS_UP)
                        .setReplayed(120).setDropped(HintsDropped.getDefaultInstance()))
                .addNodes(NodeHintStats.newBuilder().setNodeId("node-3").setLiveness(NodeLiveness.NODE_LIVENESS_DOWN)
                        .setPending(42).setOldestAgeMs(192_000)
                        .setOldestCreatedAt(Timestamp.newBuilder().setSeconds(FakeAdminService.CREATED.getSeconds() + 3408))
                        .setFailedDeliveries(4)
                        .setDropped(HintsDropped.newBuilder().setMaxAttempts(1).setExpired(2)))
                .build();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void statsShowWhatWaitsForEachNodeAndWhatWasReplayedAndDropped() {
        var result = cli().run("hints", "stats", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                NODE    STATUS  PENDING  OLDEST  REPLAYED  FAILED  DROPPED
                node-1  UP      0        -       120       0       0
                node-3  DOWN    42       3m12s   0         4       3 (max attempts 1, expired 2)
                Replayed, failed and dropped: by coordinator coord-a since 2025-01-01T00:00:00Z
                """);
    }

    @Test
    void statsAsJsonKeepTheDropReasonsApart() throws Exception {
        var result = cli().run("hints", "stats", "-o", "json", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode document = new ObjectMapper().readTree(result.stdout());
        assertThat(document.get("coordinator_id").asText()).isEqualTo("coord-a");
        JsonNode node = document.get("nodes").get(1);
        assertThat(node.get("node_id").asText()).isEqualTo("node-3");
        assertThat(node.get("pending").asLong()).isEqualTo(42);
        assertThat(node.get("oldest_age_ms").asLong()).isEqualTo(192_000);
        assertThat(node.get("oldest_created_at").asText()).isEqualTo("2025-01-01T00:56:48Z");
        assertThat(node.get("dropped").get("max_attempts").asLong()).isEqualTo(1);
        assertThat(node.get("dropped").get("expired").asLong()).isEqualTo(2);
        assertThat(document.get("nodes").get(0).get("oldest_created_at").isNull()).isTrue();
    }

    @Test
    void replayAsksForTheNodeAndPrintsWhatWasDone() {
        coordinator.admin.nodes.add(StorageNode.newBuilder().setNodeId("node-3").build());
        coordinator.admin.replay = ReplayHintsResponse.newBuilder().setNodeId("node-3")
                .setEnding(ReplayEnding.REPLAY_ENDING_DRAINED).setDelivered(250)
                .setDropped(HintsDropped.newBuilder().setMaxAttempts(1)).setRemaining(0).build();

        var result = cli().run("hints", "replay", "--node", "node-3", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastReplay.getNodeId()).isEqualTo("node-3");
        assertThat(result.stdout()).isEqualTo(
                "OK hints for node node-3: delivered 250, failed 0, dropped 1 (max attempts 1), left 0 (nothing left to replay)\n");
    }

    @Test
    void aReplayThatStoppedEarlySaysWhy() throws Exception {
        coordinator.admin.nodes.add(StorageNode.newBuilder().setNodeId("node-3").build());
        coordinator.admin.replay = ReplayHintsResponse.newBuilder().setNodeId("node-3")
                .setEnding(ReplayEnding.REPLAY_ENDING_DELIVERY_FAILED).setDelivered(100).setFailedDeliveries(100)
                .setDropped(HintsDropped.getDefaultInstance()).setRemaining(900).build();

        var table = cli().run("hints", "replay", "--node", "node-3", "--addr", coordinator.address());
        var json = cli().run("hints", "replay", "--node", "node-3", "-o", "json", "--addr", coordinator.address());

        assertThat(table.exitCode()).as("a script must see that hints are left").isEqualTo(2);
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(table.stdout()).startsWith("STOPPED hints for node node-3: delivered 100, failed 100").contains("left 900");
        JsonNode document = new ObjectMapper().readTree(json.stdout());
        assertThat(document.get("ending").asText()).isEqualTo("delivery_failed");
        assertThat(document.get("remaining").asLong()).isEqualTo(900);
    }

    @Test
    void replayingAnUnknownNodeIsAServerError() {
        var result = cli().run("hints", "replay", "--node", "node-9", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).contains("NOT_FOUND").contains("NODE_NOT_FOUND");
    }

    @Test
    void replayNeedsANode() {
        var result = cli().run("hints", "replay", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).startsWith("error: Missing required option: '--node=ID'");
    }
}
