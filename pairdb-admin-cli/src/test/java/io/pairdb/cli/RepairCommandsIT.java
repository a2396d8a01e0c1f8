package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.RangeRepairFailure;
import io.pairdb.proto.admin.v1.RepairCounts;
import io.pairdb.proto.admin.v1.RepairResponse;
import io.pairdb.proto.admin.v1.RepairRun;
import com.google.protobuf.Timestamp;
import java.util.List;
import io.pairdb.proto.admin.v1.TenantRepair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepairCommandsIT {
    private static final RepairCounts COUNTS = RepairCounts.newBuilder().setRangesCompared(640).setLeavesDiffered(12)
            .setKeysCompared(380).setKeysDiffering(40).setEntriesWritten(41).setBytesRead(52_000).setBytesWritten(6_100)
            .build();

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.addTenant("acme", 3);
        coordinator.admin.repair = RepairResponse.newBuilder()
                .addTenants(TenantRepair.newBuilder().setTenantId("acme").setRanges(40).setCounts(COUNTS))
                .setTotal(COUNTS).build();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void printsWhatDifferedAndWhatWasWrittenPerTenant() {
        var result = cli().run("repair", "--tenant", "acme", "--node", "node-2", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastRepair.getTenantId()).isEqualTo("acme");
        assertThat(coordinator.admin.lastRepair.getNodeId()).isEqualTo("node-2");
        assertThat(coordinator.admin.lastRepair.getDryRun()).isFalse();
        assertThat(result.stdout()).isEqualTo("""
                TENANT            RANGES  KEYS COMPARED KEYS DIFFERING        WRITTEN
                acme                  40            380             40             41
                40 keys differed; 41 repair writes; 52000 bytes read, 6100 written; 640 sub-ranges compared
                """);
    }

    private static final RepairRun RUNNING = RepairRun.newBuilder().setRunId("repair-b").setState("RUNNING")
            .setTenantId("acme").setRingEpoch(7).setRangesTotal(450).setRangesDone(120).setKeysRepaired(33)
            .setBytesMoved(2_621_440).setStartedAt(Timestamp.newBuilder().setSeconds(1_767_225_600)).setCoordinatorId("coord-1-ab12").build();
    private static final RepairRun DONE = RepairRun.newBuilder().setRunId("repair-a").setState("DONE")
            .setNodeId("node-2").setDryRun(true).setRingEpoch(6).setRangesTotal(900).setRangesDone(900).setKeysRepaired(5)
            .setStartedAt(Timestamp.newBuilder().setSeconds(1_767_222_000))
            .setFinishedAt(Timestamp.newBuilder().setSeconds(1_767_222_090)).build();

    @Test
    void statusListsTheRunsWithTheirProgressAndCoordinator() {
        coordinator.admin.repairRuns = List.of(RUNNING, DONE);

        var result = cli().run("repair", "status", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout().lines().map(String::strip).toList()).containsExactly(
                "RUN       STATE    SCOPE                                RANGES   KEYS REPAIRED  MOVED    STARTED               FINISHED              COORDINATOR",
                "repair-b  RUNNING  tenant acme                          120/450  33             2.5 MiB  2026-01-01T00:00:00Z  -                     coord-1-ab12",
                "repair-a  DONE     every tenant, node node-2 (dry run)  900/900  5              0 B      2025-12-31T23:00:00Z  2025-12-31T23:01:30Z  -");
    }

    @Test
    void statusOfOneRunInJsonAndOfAnUnknownRun() throws Exception {
        coordinator.admin.repairRuns = List.of(RUNNING, DONE);

        var one = cli().run("repair", "status", "repair-a", "-o", "json", "--addr", coordinator.address());
        var unknown = cli().run("repair", "status", "repair-z", "--addr", coordinator.address());

        assertThat(one.exitCode()).as(one.toString()).isZero();
        JsonNode runs = new ObjectMapper().readTree(one.stdout()).get("runs");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("run_id").asText()).isEqualTo("repair-a");
        assertThat(runs.get(0).get("ranges_done").asInt()).isEqualTo(900);
        assertThat(runs.get(0).get("bytes_moved").asLong()).isZero();
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no repair run repair-z");
    }

    @Test
    void statusWatchFollowsARunThroughItsTakeOverToItsEnd() {
        coordinator.admin.repairRuns = List.of(RUNNING);
        coordinator.admin.laterRepairRuns.addAll(List.of(List.of(RUNNING),
                List.of(RUNNING.toBuilder().setState("ABANDONED").build()),
                List.of(RUNNING.toBuilder().setRangesDone(300).setCoordinatorId("coord-2-cd34").build()),
                List.of(RUNNING.toBuilder().setState("DONE").setRangesDone(450).setKeysRepaired(40).setCoordinatorId("")
                        .setFinishedAt(Timestamp.newBuilder().setSeconds(1_767_225_700)).build())));

        var result = cli().run("repair", "status", "repair-b", "--watch", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("repair-b  RUNNING").containsPattern(
                "repair run repair-b DONE: 450/450 ranges, 40 keys repaired, 2.5 MiB moved \\(watched \\d+s\\)\\n$");
    }

    @Test
    void repairWatchShowsTheProgressOfTheRunItBeganThenTheReport() {
        RepairRun older = DONE.toBuilder().setRunId("repair-old").setTenantId("acme").setNodeId("").setDryRun(false).build();
        RepairRun begun = RUNNING.toBuilder().setRangesDone(0).build();
        coordinator.admin.repairRuns = List.of(older);
        coordinator.admin.repairAnswersWhenRunsShown = true;
        coordinator.admin.laterRepairRuns.addAll(List.of(List.of(older), List.of(begun, older),
                List.of(begun.toBuilder().setRangesDone(200).build(), older),
                List.of(begun.toBuilder().setState("DONE").setRangesDone(450).setKeysRepaired(40).build(), older)));

        var result = cli().run("repair", "--tenant", "acme", "--watch", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("repair run repair-b DONE: 450/450 ranges, 40 keys repaired, 2.5 MiB moved (watched")
                .endsWith("40 keys differed; 41 repair writes; 52000 bytes read, 6100 written; 640 sub-ranges compared\n");
    }

    @Test
    void repairWatchWaitsForARunLongerThanTheCallTimeout() {
        RepairRun begun = RUNNING.toBuilder().setRangesDone(0).build();
        coordinator.admin.repairAnswersWhenRunsShown = true;
        // each answer after the run is found comes one poll (1 s) later: the run lasts well past --timeout 1s
        coordinator.admin.laterRepairRuns.addAll(List.of(List.of(), List.of(begun),
                List.of(begun.toBuilder().setRangesDone(100).build()),
                List.of(begun.toBuilder().setRangesDone(200).build()),
                List.of(begun.toBuilder().setState("DONE").setRangesDone(450).setKeysRepaired(40).build())));

        var result = cli().run("repair", "--tenant", "acme", "--watch", "--timeout", "1s", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("repair run repair-b DONE: 450/450 ranges")
                .endsWith("40 keys differed; 41 repair writes; 52000 bytes read, 6100 written; 640 sub-ranges compared\n");
    }

    @Test
    void aRepairLongerThanTheTimeoutSaysItGoesOnAndHowToFollowIt() {
        coordinator.admin.repairAnswersWhenRunsShown = true;
        coordinator.admin.laterRepairRuns.add(List.of(RUNNING));

        var result = cli().run("repair", "--tenant", "acme", "--timeout", "1s", "--addr", coordinator.address());
        var status = cli().run("repair", "status", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("error: the repair did not end within 1s; it goes on in the coordinator: "
                + "follow it with pairdb-admin repair status, or repair with --watch\n");
        assertThat(status.stdout()).contains("repair-b  RUNNING");
    }

    @Test
    void statusWatchExitsTwoForAStoppedRunAndNeedsARun() {
        coordinator.admin.repairRuns = List.of(RUNNING.toBuilder().setState("STOPPED").build());

        var stopped = cli().run("repair", "status", "repair-b", "--watch", "--addr", coordinator.address());
        var noRun = cli().run("repair", "status", "--watch", "--addr", coordinator.address());

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(2);
        assertThat(noRun.exitCode()).isEqualTo(1);
        assertThat(noRun.stderr()).contains("--watch follows one run");
    }

    @Test
    void aDryRunAsksForOneAndSaysNothingWasWritten() throws Exception {
        var result = cli().run("repair", "--dry-run", "-o", "json", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastRepair.getDryRun()).isTrue();
        assertThat(coordinator.admin.lastRepair.getTenantId()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(result.stdout());
        assertThat(json.get("dry_run").asBoolean()).isTrue();
        assertThat(json.get("total").get("keys_differing").asLong()).isEqualTo(40);
    }

    @Test
    void exitsWithTwoAndNamesTheRangeWhenAReplicaFailed() {
        coordinator.admin.repair = coordinator.admin.repair.toBuilder().addFailures(RangeRepairFailure.newBuilder()
                .setTenantId("acme").setStartExclusive(10).setEndInclusive(-1L).setNodeId("node-3")
                .setReason("node node-3 gave no answer within PT31S")).build();

        var result = cli().run("repair", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).contains(
                "FAILED tenant acme range (10, 18446744073709551615] on node node-3: node node-3 gave no answer within PT31S");
    }

    @Test
    void anUnknownTenantIsAnErrorNotAnEmptyReport() {
        var result = cli().run("repair", "--tenant", "nobody", "--addr", coordinator.address());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("nobody");
    }
}
