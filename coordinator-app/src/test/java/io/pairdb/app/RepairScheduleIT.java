package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.ListRepairRunsRequest;
import io.pairdb.proto.admin.v1.RepairRun;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two coordinators on one PostgreSQL with a repair period of seconds: nobody calls {@code repair},
 * yet a node that lost its data is brought back to equal (counted on the nodes themselves), and each
 * tenant is repaired once per period by one of them, never by both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepairScheduleIT {
    private static final Duration PERIOD = Duration.ofSeconds(12);
    private static final List<String> TENANTS = List.of("scheduled-a", "scheduled-b");
    private static final int KEYS = 400;
    private static final Map<String, Object> SCHEDULE = Map.of("pairdb.repair.period", PERIOD.toSeconds() + "s",
            "pairdb.repair.schedule-interval", "300ms", "pairdb.metrics.store-refresh-interval", "300ms");

    private InProcessCoordinator first;
    private InProcessCoordinator second;

    @BeforeAll
    void start() {
        first = InProcessCoordinator.start(3, SCHEDULE);
        second = InProcessCoordinator.alongside(first, SCHEDULE);
    }

    @AfterAll
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aWipedNodeConvergesWithoutARepairCallAndEachTenantIsRepairedOncePerPeriod() {
        Instant created = Instant.now();
        for (String tenant : TENANTS) {
            first.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(tenant).setReplicationFactor(3).build());
            for (int i = 0; i < KEYS; i++) {
                first.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(tenant).setKey("k" + i)
                        .setValue(ByteString.copyFromUtf8("v" + i)).setConsistency("all").build());
            }
        }
        List<StorageNodeEmulator> nodes = first.cluster.nodes();
        // a node that lost its data: no hint covers it, and nothing reads the keys
        nodes.get(0).store().clear();
        long before = TENANTS.stream().mapToLong(t -> RepairIT.divergentKeys(nodes, t)).sum();
        System.out.printf("RepairScheduleIT: %d divergent keys %d ms after the tenants were made%n", before,
                Duration.between(created, Instant.now()).toMillis());

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> TENANTS.stream().allMatch(t -> RepairIT.divergentKeys(nodes, t) == 0));
        // and a second round, a period after the first
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> TENANTS.stream().allMatch(t -> doneRuns(t).size() >= 2));

        for (String tenant : TENANTS) {
            List<RepairRun> runs = doneRuns(tenant);
            System.out.printf("RepairScheduleIT: %s repaired by %s%n", tenant, runs.stream()
                    .map(r -> r.getRunId() + "@" + r.getStartedAt().getSeconds()).toList());
            // a run before the wipe (the writes take long on a loaded machine) finds nothing to do
            assertThat(runs.stream().mapToLong(RepairRun::getKeysRepaired).sum())
                    .as("the wiped node's copies of %s were written back by scheduled runs", tenant)
                    .isGreaterThanOrEqualTo(KEYS);
            // every run reads digests at least; the one that wrote the wiped copies back moved them too
            assertThat(runs).allMatch(r -> r.getBytesMoved() > 0);
            assertThat(runs.stream().mapToLong(RepairRun::getBytesMoved).max().orElseThrow())
                    .as("bytes moved by the run that repaired %s", tenant).isGreaterThan(KEYS * 10L);
            for (int i = 1; i < runs.size(); i++) {
                long gap = runs.get(i).getStartedAt().getSeconds() - runs.get(i - 1).getStartedAt().getSeconds();
                // two coordinators repairing the same tenant in one period would start within a second or so;
                // half a period leaves room for a run planned late on a loaded machine
                assertThat(gap).as("seconds between two runs of %s", tenant).isGreaterThanOrEqualTo(PERIOD.toSeconds() / 2);
            }
        }
        assertThat(TENANTS.stream().mapToLong(t -> RepairIT.divergentKeys(nodes, t)).sum()).isZero();
        assertThat(before).isPositive();
        for (InProcessCoordinator coordinator : List.of(first, second)) {
            double age = coordinator.context.getBean(MeterRegistry.class).get("coordinator.repair.oldest.unrepaired.age")
                    .gauge().value();
            assertThat(age).as("oldest unrepaired age, seconds").isBetween(0.0, (double) Duration.ofMinutes(2).toSeconds());
        }
    }

    /** The tenant's repair runs that compared every range, oldest first; the repair calls are all scheduled ones. */
    private List<RepairRun> doneRuns(String tenant) {
        return first.admin().listRepairRuns(ListRepairRunsRequest.newBuilder().setLimit(100).build()).getRunsList().stream()
                .filter(r -> r.getTenantId().equals(tenant) && r.getState().equals("DONE"))
                .sorted(Comparator.comparingLong(r -> r.getStartedAt().getSeconds() * 1_000_000_000L + r.getStartedAt().getNanos()))
                .toList();
    }
}
