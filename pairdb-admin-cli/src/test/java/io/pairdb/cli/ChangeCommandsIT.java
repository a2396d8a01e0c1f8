package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.pairdb.proto.admin.v1.ChangeStatus;
import io.pairdb.proto.admin.v1.ChangeTotals;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.RangeStream;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.admin.v1.StreamState;
import io.pairdb.proto.admin.v1.TopologyChange;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code node remove} and {@code change list|get} against a fake admin API. */
class ChangeCommandsIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.nodes.add(StorageNode.newBuilder().setNodeId("node-2").setHost("10.0.0.2").setPort(7001)
                .setVirtualNodes(150).setState(NodeState.NODE_STATE_NORMAL).setLiveness(NodeLiveness.NODE_LIVENESS_UP)
                .build());
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void removesANodeOnceConfirmedAndSaysWhichChangeToFollow() {
        var result = cli().onTerminal().withStdin("y\n".getBytes(StandardCharsets.UTF_8))
                .run("node", "remove", "node-2", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("Remove storage node node-2?");
        assertThat(coordinator.admin.lastRemove.getForce()).isFalse();
        assertThat(result.stdout()).isEqualTo("""
                OK node node-2 is LEAVING (ring epoch 2); change remove-node-2-e2 streams 12 ranges to the nodes that replace it
                follow it with: pairdb-admin change get remove-node-2-e2
                """);
    }

    @Test
    void aRemovalWithNothingToStreamSaysWhatItWaitsFor() {
        coordinator.admin.removalStreams = 0;
        var result = cli().run("node", "remove", "node-2", "--force", "--yes", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                OK node node-2 is LEAVING (ring epoch 2); change remove-node-2-e2 has nothing to stream; it ends once \
                every coordinator serves its epoch
                follow it with: pairdb-admin change get remove-node-2-e2
                """);
    }

    @Test
    void removesNothingWithoutConfirmation() {
        var result = cli().run("node", "remove", "node-2", "--force", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("not confirmed");
        assertThat(coordinator.admin.lastRemove).isNull();
    }

    @Test
    void withoutATerminalToAskOnItRefusesAndSaysToAddYes() {
        var result = cli().withStdin("y\n".getBytes(StandardCharsets.UTF_8))
                .run("node", "remove", "node-2", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("stdin is not a terminal").contains("--yes");
        assertThat(coordinator.admin.lastRemove).isNull();
    }

    @Test
    void anAnswerOtherThanYesRemovesNothing() {
        var result = cli().onTerminal().withStdin("n\n".getBytes(StandardCharsets.UTF_8))
                .run("node", "remove", "node-2", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("not confirmed");
        assertThat(coordinator.admin.lastRemove).isNull();
    }

    @Test
    void forceAndYesGoTogether() {
        var result = cli().run("node", "remove", "node-2", "--force", "--yes", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastRemove.getForce()).isTrue();
    }

    @Test
    void anUnknownNodeIsTheServersError() {
        var result = cli().run("node", "remove", "ghost", "--yes", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).contains("NOT_FOUND").contains("NODE_NOT_FOUND");
    }

    @Test
    void listsChangesNewestFirstWithTheirProgress() {
        coordinator.admin.changes.put("add-node-4-e5", change("add-node-4-e5", ChangeStatus.CHANGE_STATUS_COMPLETED, 451, 451,
                5200));
        coordinator.admin.changes.put("remove-node-1-e7", change("remove-node-1-e7", ChangeStatus.CHANGE_STATUS_IN_PROGRESS,
                400, 100, 1234));

        var result = cli().run("change", "list", "--in-progress", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastListChanges.getInProgressOnly()).isTrue();
        assertThat(result.stdout()).isEqualTo("""
                CHANGE            TYPE      SUBJECT  STATUS       PROGRESS                 KEYS  STARTED               COMPLETED
                remove-node-1-e7  ADD_NODE  node-4   IN_PROGRESS  100/400 ranges (25.0%)   1234  2025-01-01T00:00:00Z  -
                add-node-4-e5     ADD_NODE  node-4   COMPLETED    451/451 ranges (100.0%)  5200  2025-01-01T00:00:00Z  2025-01-01T00:01:00Z
                """);
    }

    @Test
    void showsOneChangeWithItsStreams() throws Exception {
        TopologyChange change = change("add-node-4-e5", ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 2, 1, 10).toBuilder()
                .setLeaseOwner("coord-a-1f2e")
                .addStreams(RangeStream.newBuilder().setIndex(0).setStartExclusive(-2L).setEndInclusive(100)
                        .setTargetNodeId("node-4").addSourceNodeIds("node-1").addSourceNodeIds("node-2")
                        .addReplicationFactors(3).setState(StreamState.STREAM_STATE_DONE).setKeys(10).setBytes(2048))
                .addStreams(RangeStream.newBuilder().setIndex(1).setStartExclusive(100).setEndInclusive(200)
                        .setTargetNodeId("node-4").addSourceNodeIds("node-3").addReplicationFactors(3)
                        .setState(StreamState.STREAM_STATE_PENDING).setLastError("UNAVAILABLE"))
                .build();
        coordinator.admin.changes.put(change.getChangeId(), change);

        var result = cli().run("change", "get", "add-node-4-e5", "--streams", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("CHANGE         add-node-4-e5\n")
                .contains("PROGRESS       1/2 ranges (50.0%): 0 streaming, 1 pending\n")
                .contains("DRIVER         coord-a-1f2e")
                .contains("0  (18446744073709551614, 100]  node-4  node-1,node-2  [3]  DONE     10    2.0 KiB")
                .contains("1  (100, 200]                   node-4  node-3         [3]  PENDING  0     0 B      UNAVAILABLE");

        var json = cli().run("change", "get", "add-node-4-e5", "-o", "json", "--addr", coordinator.address());
        JsonNode doc = new ObjectMapper().readTree(json.stdout());
        assertThat(doc.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(doc.path("streams").get(0).path("start_exclusive").asText()).isEqualTo("18446744073709551614");
    }

    @Test
    void aChangeInProgressWithEveryRangeCopiedSaysWhatItWaitsFor() {
        coordinator.admin.changes.put("add-node-4-e5", change("add-node-4-e5", ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 0, 0, 0));
        coordinator.admin.changes.put("add-node-5-e6", change("add-node-5-e6", ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 3, 3, 9));
        coordinator.admin.changes.put("rf-acme-e7", change("rf-acme-e7", ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 2, 2, 4)
                .toBuilder().setType(ChangeType.CHANGE_TYPE_CHANGE_RF).clearNodeId().setTenantId("acme")
                .setFromReplicationFactor(2).setToReplicationFactor(3).build());

        var nothing = cli().run("change", "get", "add-node-4-e5", "--addr", coordinator.address());
        var copied = cli().run("change", "get", "add-node-5-e6", "--addr", coordinator.address());
        var raised = cli().run("change", "get", "rf-acme-e7", "--addr", coordinator.address());

        assertThat(nothing.exitCode()).as(nothing.toString()).isZero();
        assertThat(copied.exitCode()).as(copied.toString()).isZero();
        assertThat(raised.exitCode()).as(raised.toString()).isZero();
        assertThat(nothing.stdout()).contains("PROGRESS       0/0 ranges (100.0%): nothing to copy; what is left: its"
                + " targets confirmed, the hand-over if not made yet, and every live coordinator serving its epochs\n");
        assertThat(copied.stdout()).contains("PROGRESS       3/3 ranges (100.0%): every range copied; what is left: its"
                + " targets confirmed, the hand-over if not made yet, and every live coordinator serving its epochs\n");
        assertThat(raised.stdout()).contains("PROGRESS       2/2 ranges (100.0%): every range copied; it completes once its"
                + " driver finds every target still holds its copies\n");
    }

    @Test
    void anUnknownChangeIsTheServersError() {
        var result = cli().run("change", "get", "nope", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).contains("CHANGE_NOT_FOUND");
    }

    private static TopologyChange change(String id, ChangeStatus status, int streams, int done, long keys) {
        var b = TopologyChange.newBuilder().setChangeId(id).setType(ChangeType.CHANGE_TYPE_ADD_NODE).setNodeId("node-4")
                .setStatus(status).setRingEpoch(5).setStartedAt(FakeAdminService.CREATED)
                .setUpdatedAt(FakeAdminService.CREATED)
                .setTotals(ChangeTotals.newBuilder().setStreams(streams).setDone(done).setPending(streams - done)
                        .setKeys(keys));
        if (status == ChangeStatus.CHANGE_STATUS_COMPLETED) {
            b.setCompletedAt(Timestamp.newBuilder().setSeconds(FakeAdminService.CREATED.getSeconds() + 60));
        }
        return b.build();
    }

    @Test
    void throttleSetsTheCoordinatorsCapAndChangeGetShowsIt() {
        coordinator.admin.changes.put("add-node-4-e5", change("add-node-4-e5", ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 2, 1, 10));

        var set = cli().run("change", "throttle", "--mib-per-second", "8", "--addr", coordinator.address());

        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).isEqualTo("OK stream throughput capped at 8.0 MiB/s (was no cap)\n");
        assertThat(coordinator.admin.streamThroughput).isEqualTo(8L * 1024 * 1024);
        var get = cli().run("change", "get", "add-node-4-e5", "--addr", coordinator.address());
        assertThat(get.stdout()).contains("THROTTLE  capped at 8.0 MiB/s");

        var lifted = cli().run("change", "throttle", "--mib-per-second", "0", "--addr", coordinator.address());
        assertThat(lifted.stdout()).isEqualTo("OK stream throughput no cap (was capped at 8.0 MiB/s)\n");
        assertThat(coordinator.admin.streamThroughput).isZero();
    }

    /** A cap below one byte per second rounded to 0, which means no cap: the opposite of what was asked. */
    @Test
    void aTinyThrottleCapsAtOneBytePerSecondRatherThanLiftingTheCap() {
        coordinator.admin.streamThroughput = 1024;
        var result = cli().run("change", "throttle", "--mib-per-second", "0.0000001", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("OK stream throughput capped at 1 B/s (was capped at 1024 B/s)\n");
        assertThat(coordinator.admin.streamThroughput).isEqualTo(1);
    }

    @Test
    void aNegativeThrottleIsAUsageErrorAndChangesNothing() {
        coordinator.admin.streamThroughput = 1024;
        var result = cli().run("change", "throttle", "--mib-per-second", "-1", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("--mib-per-second must be 0 (no cap) or a positive number");
        assertThat(coordinator.admin.streamThroughput).isEqualTo(1024);
    }
}
