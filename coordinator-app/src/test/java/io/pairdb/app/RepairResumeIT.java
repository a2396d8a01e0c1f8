package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.embedded.FreePorts;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairRun;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A repair whose coordinator is killed mid-run (a separate coordinator process, SIGKILL: no
 * orderly stop, its lease just runs out) is taken over by another coordinator on the same
 * PostgreSQL, which compares only the ranges the dead one had not recorded, and the replicas end
 * equal, counted on the nodes themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepairResumeIT {
    private static final String TENANT = "resumed";
    private static final int KEYS = 1_500;
    private static final int RANGES_BEFORE_KILL = 40;

    private InProcessCoordinator survivor;

    @BeforeAll
    void start() {
        survivor = InProcessCoordinator.start(3, Map.of("pairdb.repair.lease", "3s", "pairdb.repair.resume-interval", "500ms"));
        survivor.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
    }

    @AfterAll
    void stop() {
        if (survivor != null) {
            survivor.close();
        }
    }

    @Test
    void aRepairWhoseCoordinatorWasKilledIsFinishedByAnotherWithoutRedoingItsRanges() throws Exception {
        for (int i = 0; i < KEYS; i++) {
            survivor.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setValue(ByteString.copyFromUtf8("v" + i)).setConsistency("all").build());
        }
        List<StorageNodeEmulator> nodes = survivor.cluster.nodes();
        nodes.get(0).store().clear();
        long before = RepairIT.divergentKeys(nodes, TENANT);
        assertThat(before).isEqualTo(KEYS);

        int grpcPort = FreePorts.pick();
        Map<String, Object> db = survivor.cluster.properties();
        RepairRun atKill;
        try (CoordinatorProcess driver = CoordinatorProcess.start("driver", CoordinatorProcess.beside(db,
                db.get("datasources.default.url").toString(), grpcPort), "--pairdb.coordinator.node-id=driver",
                "--pairdb.repair.lease=5s")) {
            driver.awaitLine("PairDB coordinator ready", Duration.ofMinutes(2));
            // slow every storage call, so the run is still going when the driver dies
            nodes.forEach(n -> n.faults().setDelay(Duration.ofMillis(20)));
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            try {
                CompletableFuture.runAsync(() -> AdminServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.MINUTES)
                        .repair(RepairRequest.newBuilder().setTenantId(TENANT).build()));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> runs().stream().anyMatch(r -> r.getRangesDone() >= RANGES_BEFORE_KILL));
                assertThat(newestRun().getCoordinatorId()).startsWith("driver-");
                driver.close();
                driver.awaitExit(Duration.ofSeconds(30));
            } finally {
                channel.shutdownNow();
            }
            // the dead driver's lease has not run out yet, so nothing took the run over since it died
            atKill = newestRun();
        }
        assertThat(atKill.getState()).isEqualTo("RUNNING");
        assertThat(atKill.getRangesDone()).isLessThan(atKill.getRangesTotal());
        nodes.forEach(n -> n.faults().setDelay(Duration.ZERO));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> Set.of("DONE", "STOPPED").contains(newestRun().getState()));

        RepairRun done = newestRun();
        double comparedHere = survivor.context.getBean(MeterRegistry.class).find("coordinator.repair.ranges")
                .tag("mode", "repair").counters().stream().mapToDouble(c -> c.count()).sum();
        System.out.printf("RepairResumeIT: %d of %d ranges recorded when the driver was killed; the survivor compared %.0f;"
                        + " %d divergent keys before, %d after%n", atKill.getRangesDone(), atKill.getRangesTotal(),
                comparedHere, before, RepairIT.divergentKeys(nodes, TENANT));
        assertThat(done.getRunId()).isEqualTo(atKill.getRunId());
        assertThat(done.getState()).isEqualTo("DONE");
        assertThat(done.getCoordinatorId()).isEmpty();
        assertThat(done.getRangesDone()).isEqualTo(done.getRangesTotal()).isEqualTo(atKill.getRangesTotal());
        // the ranges recorded before the kill were not compared again; the one it died in was
        assertThat(comparedHere).isEqualTo(atKill.getRangesTotal() - atKill.getRangesDone());
        assertThat(RepairIT.divergentKeys(nodes, TENANT)).isZero();
    }

    private List<RepairRun> runs() {
        return survivor.admin().listRepairRuns(ListRepairRunsRequest.newBuilder().setLimit(1).build()).getRunsList();
    }

    private RepairRun newestRun() {
        assertThat(runs()).as("repair runs").isNotEmpty();
        return runs().getFirst();
    }
}
