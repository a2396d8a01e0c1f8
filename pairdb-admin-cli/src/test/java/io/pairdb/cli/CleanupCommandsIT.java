package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.ChangeCleanup;
import io.pairdb.proto.admin.v1.ChangeStatus;
import io.pairdb.proto.admin.v1.ChangeTotals;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.CleanupOutcome;
import io.pairdb.proto.admin.v1.CleanupTotals;
import io.pairdb.proto.admin.v1.RangeCleanup;
import io.pairdb.proto.admin.v1.TopologyChange;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cleanup force} and the cleanup section of {@code change get} against a fake admin API. */
class CleanupCommandsIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.changes.put("add-node-4-e5", change("add-node-4-e5", ChangeStatus.CHANGE_STATUS_COMPLETED));
        coordinator.admin.changes.put("add-node-5-e7", change("add-node-5-e7", ChangeStatus.CHANGE_STATUS_IN_PROGRESS));
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    private static TopologyChange change(String id, ChangeStatus status) {
        var b = TopologyChange.newBuilder().setChangeId(id).setType(ChangeType.CHANGE_TYPE_ADD_NODE).setNodeId("node-4")
                .setStatus(status).setRingEpoch(5).setStartedAt(FakeAdminService.CREATED)
                .setUpdatedAt(FakeAdminService.CREATED).setTotals(ChangeTotals.newBuilder().setStreams(2).setDone(2))
                .setCleanup(ChangeCleanup.newBuilder()
                        .setTotals(CleanupTotals.newBuilder().setRanges(3).setDeleted(1).setSkipped(1).setPending(1)
                                .setKeysDeleted(40))
                        .addRanges(RangeCleanup.newBuilder().setIndex(0).setStartExclusive(-2L).setEndInclusive(100)
                                .setNodeId("node-1").addReplicationFactors(3)
                                .setOutcome(CleanupOutcome.CLEANUP_OUTCOME_DELETED).setKeysDeleted(40).setAttempts(1))
                        .addRanges(RangeCleanup.newBuilder().setIndex(1).setStartExclusive(100).setEndInclusive(200)
                                .setNodeId("node-2").addReplicationFactors(3)
                                .setOutcome(CleanupOutcome.CLEANUP_OUTCOME_SKIPPED).setAttempts(2)
                                .setReason("replica node-3 of range (100, 200] of tenant t lacks key 'k'"))
                        .addRanges(RangeCleanup.newBuilder().setIndex(2).setStartExclusive(200).setEndInclusive(300)
                                .setNodeId("node-2").addReplicationFactors(3)
                                .setOutcome(CleanupOutcome.CLEANUP_OUTCOME_PENDING)));
        if (status == ChangeStatus.CHANGE_STATUS_COMPLETED) {
            b.setCompletedAt(FakeAdminService.CREATED);
        }
        return b.build();
    }

    @Test
    void forcesACleanupOnceConfirmedAndSendsTheReasonAndTheUser() {
        var result = cli().withVariable("USER", "alice").onTerminal().withStdin("yes\n".getBytes(StandardCharsets.UTF_8))
                .run("cleanup", "force", "add-node-4-e5", "--reason", "node-1's disk is full", "--addr",
                        coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("Force the cleanup of change add-node-4-e5?");
        assertThat(coordinator.admin.lastForce.getReason()).isEqualTo("node-1's disk is full");
        assertThat(coordinator.admin.lastForce.getRequestedBy()).isEqualTo("alice");
        assertThat(result.stdout()).isEqualTo("""
                OK cleanup of change add-node-4-e5 forced: 2 of its 3 ranges are deleted from their former owners at the next cleanup run
                follow it with: pairdb-admin change get add-node-4-e5
                """);
    }

    @Test
    void forcesNothingWithoutConfirmation() {
        var result = cli().run("cleanup", "force", "add-node-4-e5", "--reason", "why", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("not confirmed").contains("--yes");
        assertThat(coordinator.admin.lastForce).isNull();
    }

    @Test
    void aLineFromAPipeIsNoConsent() {
        // a stray "y" in a script's here-doc must not delete the former owners' copies unverified
        var result = cli().withStdin("y\n".getBytes(StandardCharsets.UTF_8))
                .run("cleanup", "force", "add-node-4-e5", "--reason", "why", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(result.stderr()).contains("stdin is not a terminal").contains("--yes");
        assertThat(coordinator.admin.lastForce).isNull();
    }

    @Test
    void aReasonIsRequired() {
        var missing = cli().run("cleanup", "force", "add-node-4-e5", "--yes", "--addr", coordinator.address());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(missing.stderr()).contains("--reason");

        var blank = cli().run("cleanup", "force", "add-node-4-e5", "--reason", " ", "--yes", "--addr",
                coordinator.address());
        assertThat(blank.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(coordinator.admin.lastForce).isNull();
    }

    @Test
    void aChangeInProgressIsTheServersRefusal() {
        var result = cli().run("cleanup", "force", "add-node-5-e7", "--reason", "why", "--yes", "--addr",
                coordinator.address());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(result.stderr()).contains("FAILED_PRECONDITION").contains("CHANGE_NOT_COMPLETED");
    }

    @Test
    void changeGetShowsTheCleanupWithEverySkippedRangeAndWhoForcedIt() throws Exception {
        cli().run("cleanup", "force", "add-node-4-e5", "--reason", "disk full", "--yes", "--addr", coordinator.address());

        var result = cli().run("change", "get", "add-node-4-e5", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("CLEANUP      1/3 ranges done: 1 deleted (40 keys), 0 kept, 1 skipped, 1 pending\n")
                .contains("FORCED       by ")
                .contains(": disk full")
                .contains("1  (100, 200]  node-2  2         replica node-3 of range (100, 200] of tenant t lacks key 'k'");

        var json = cli().run("change", "get", "add-node-4-e5", "-o", "json", "--addr", coordinator.address());
        JsonNode cleanup = new ObjectMapper().readTree(json.stdout()).path("cleanup");
        assertThat(cleanup.path("forced").path("reason").asText()).isEqualTo("disk full");
        assertThat(cleanup.path("ranges").get(0).path("start_exclusive").asText()).isEqualTo("18446744073709551614");
        assertThat(cleanup.path("ranges").get(1).path("outcome").asText()).isEqualTo("SKIPPED");
    }
}
