package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.proto.admin.v1.RingRange;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RingIT {

    private FakeCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = FakeCoordinator.start();
        coordinator.admin.addTenant("small", 1);
        coordinator.admin.addTenant("big", 3);
        coordinator.admin.ringEpoch = 7;
        coordinator.admin.ringRanges = List.of(
                RingRange.newBuilder().setStartExclusive(-1).setEndInclusive(100)
                        .addReplicaNodeIds("node-1").addReplicaNodeIds("node-2").addReplicaNodeIds("node-3").build(),
                RingRange.newBuilder().setStartExclusive(100).setEndInclusive(-1)
                        .addReplicaNodeIds("node-2").addReplicaNodeIds("node-3").addReplicaNodeIds("node-1")
                        .addPendingNodeIds("node-4").build());
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    @Test
    void withoutArgumentsShowsTheRingForTheLargestReplicationFactorInUseAndSaysSo() {
        var result = cli().run("ring", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastDescribeRing.getTenantId()).isEmpty();
        assertThat(coordinator.admin.lastDescribeRing.getReplicationFactor()).isZero();
        assertThat(result.stdout()).isEqualTo("""
                Ring epoch 7, replication factor 3 (the largest any tenant has; --tenant or --rf for another): \
                2 ranges, 1 with pending replicas
                START (EXCLUSIVE)     END (INCLUSIVE)       REPLICAS              PENDING
                18446744073709551615  100                   node-1,node-2,node-3  -
                100                   18446744073709551615  node-2,node-3,node-1  node-4
                """);
    }

    @Test
    void withoutArgumentsTheJsonSaysTheFactorIsTheLargestInUse() throws Exception {
        var result = cli().run("ring", "-o", "json", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode ring = new ObjectMapper().readTree(result.stdout());
        assertThat(ring.get("replication_factor").asInt()).isEqualTo(3);
        assertThat(ring.get("largest_in_use").asBoolean()).isTrue();
        assertThat(ring.get("ranges")).hasSize(2);
    }

    @Test
    void aTenantsRingSaysWhoseReplicationFactorItIs() {
        var result = cli().run("ring", "--tenant", "small", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(coordinator.admin.lastDescribeRing.getTenantId()).isEqualTo("small");
        assertThat(result.stdout()).startsWith("Ring epoch 7, replication factor 1: 2 ranges, 1 with pending replicas\n");
    }

    @Test
    void withoutAnyTenantTheCoordinatorsReasonIsShownAndTheExitCodeSaysItAnswered() {
        coordinator.admin.tenants.clear();

        var result = cli().run("ring", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("NO_TENANTS");
    }

    @Test
    void aReplicationFactorBelowOneIsAUsageError() {
        var result = cli().run("ring", "--rf", "0", "--addr", coordinator.address());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("--rf must be at least 1");
        assertThat(coordinator.admin.lastDescribeRing).isNull();
    }
}
