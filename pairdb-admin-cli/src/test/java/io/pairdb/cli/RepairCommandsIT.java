package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.RangeRepairFailure;
import io.pairdb.proto.admin.v1.RepairCounts;
import io.pairdb.proto.admin.v1.RepairResponse;
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
