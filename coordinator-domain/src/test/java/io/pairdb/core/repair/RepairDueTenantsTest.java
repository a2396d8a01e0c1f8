package io.pairdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryRepairClaimStore;
import io.pairdb.core.testing.InMemoryRepairStore;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingEvents;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepairDueTenantsTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId GLOBEX = new TenantId("globex");
    private static final NodeId N1 = new NodeId("n1");
    private static final Duration PERIOD = Duration.ofDays(7);
    private static final int KEYS = 200;

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore nodes = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(nodes, clock);
    private final InMemoryTenantStore tenantStore = new InMemoryTenantStore();
    private final TenantService tenants = new TenantService(tenantStore, topology, clock, new RecordingEvents(),
            new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
    private final InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
    private final InMemoryStorageRanges data = new InMemoryStorageRanges();
    private final InMemoryRepairStore runs = new InMemoryRepairStore(changes, clock);
    private final InMemoryRepairClaimStore claims = new InMemoryRepairClaimStore(clock);
    /** Every pause the schedule asked for, passed on the manual clock. */
    private final AtomicLong pausedMillis = new AtomicLong();

    @BeforeEach
    void fiveNodesAndTwoTenantsWhoseReplicasN1PartlyLacks() {
        for (int i = 1; i <= 5; i++) {
            topology.register(new NodeId("n" + i), "10.0.0." + i, 7000, 8);
        }
        tenantStore.insert(new Tenant(ACME, 3, clock.now(), clock.now(), 1));
        clock.advance(Duration.ofHours(1));
        tenantStore.insert(new Tenant(GLOBEX, 3, clock.now(), clock.now(), 1));
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            for (int i = 0; i < KEYS; i++) {
                for (StorageNode replica : replicas(tenant, "k" + i)) {
                    if (!(replica.id().equals(N1) && i % 3 == 0)) {
                        data.put(replica.id(), tenant, "k" + i, Version.of("v".getBytes(StandardCharsets.UTF_8),
                                VectorClock.of("c1", 1), 1));
                    }
                }
            }
        }
    }

    private RepairDueTenants coordinator(String id, RepairSchedule schedule) {
        RepairTenants repair = new RepairTenants(topology, tenants, runs, new RepairRange(data, RepairSettings.DEFAULTS),
                RepairEvents.NONE, clock, new RepairTenants.Runner(id, Duration.ofMinutes(1)));
        return new RepairDueTenants(tenants, claims, repair, clock, d -> {
            pausedMillis.addAndGet(d.toMillis());
            clock.advance(d);
        }, schedule, id);
    }

    private RepairDueTenants coordinator(String id) {
        return coordinator(id, new RepairSchedule(PERIOD, Duration.ofMinutes(5), 0));
    }

    @Test
    void aTenantIsDueAPeriodAfterItsLastRepairOrItsCreationTheLongestUnrepairedFirst() {
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        Tenant old = new Tenant(ACME, 3, t0, t0, 1);
        Tenant young = new Tenant(GLOBEX, 3, t0.plus(Duration.ofDays(3)), t0, 1);
        List<Tenant> both = List.of(young, old);

        assertThat(RepairDueTenants.due(both, Map.of(), t0.plus(Duration.ofDays(6)), PERIOD)).isEmpty();
        assertThat(RepairDueTenants.due(both, Map.of(), t0.plus(PERIOD), PERIOD)).as("exactly a period").isEmpty();
        assertThat(RepairDueTenants.due(both, Map.of(), t0.plus(PERIOD).plusMillis(1), PERIOD)).containsExactly(ACME);
        assertThat(RepairDueTenants.due(both, Map.of(), t0.plus(Duration.ofDays(11)), PERIOD))
                .containsExactly(ACME, GLOBEX);
        assertThat(RepairDueTenants.due(both, Map.of(ACME, t0.plus(Duration.ofDays(5))), t0.plus(Duration.ofDays(11)),
                PERIOD)).as("acme repaired on day 5").containsExactly(GLOBEX);
        assertThat(RepairDueTenants.due(both, Map.of(), t0.plus(Duration.ofDays(100)), Duration.ZERO))
                .as("period 0: the schedule is off").isEmpty();
        assertThat(RepairDueTenants.oldestUnrepaired(both, Map.of(ACME, t0.plus(Duration.ofDays(5))),
                t0.plus(Duration.ofDays(11)))).contains(Duration.ofDays(8));
        assertThat(RepairDueTenants.oldestUnrepaired(List.of(), Map.of(), t0)).isEmpty();
    }

    @Test
    void ofTwoCoordinatorsLookingEachPeriodEachTenantIsRepairedOnceAndItsReplicasConverge() {
        RepairDueTenants a = coordinator("coord-a");
        RepairDueTenants b = coordinator("coord-b");
        assertThat(a.repairDue()).as("nothing is a period old yet").isEmpty();
        assertThat(missingCopies(ACME) + missingCopies(GLOBEX)).isPositive();

        clock.advance(PERIOD.plusMinutes(1));
        List<RepairDueTenants.Scheduled> byA = a.repairDue();
        List<RepairDueTenants.Scheduled> byB = b.repairDue();

        assertThat(byA).extracting(RepairDueTenants.Scheduled::tenant).containsExactly(ACME, GLOBEX);
        assertThat(byA).allSatisfy(s -> assertThat(s).isInstanceOf(RepairDueTenants.Scheduled.Repaired.class));
        assertThat(byB).as("already repaired this period").isEmpty();
        assertThat(missingCopies(ACME) + missingCopies(GLOBEX)).isZero();
        assertThat(runs.list(10)).hasSize(2);
        assertThat(a.oldestUnrepaired()).contains(Duration.ZERO);

        clock.advance(PERIOD);
        assertThat(b.repairDue()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.repairDue()).extracting(RepairDueTenants.Scheduled::tenant).containsExactly(ACME, GLOBEX);
        assertThat(a.repairDue()).isEmpty();
        assertThat(runs.list(10)).as("one run per tenant per period").hasSize(4);
    }

    @Test
    void rangesThatFailedKeepTheTenantDueAndTheNextRunComparesOnlyThem() {
        RepairDueTenants a = coordinator("coord-a");
        clock.advance(PERIOD.plusHours(1));
        data.failScans(new NodeId("n2"), true);

        assertThat(a.repairDue()).hasSize(2).allSatisfy(s -> assertThat(s).isInstanceOfSatisfying(
                RepairDueTenants.Scheduled.Incomplete.class, i -> assertThat(i.why()).contains("ranges failed")));
        RepairRun first = runs.list(1).getFirst();
        assertThat(first.tenant()).contains(GLOBEX);
        assertThat(a.oldestUnrepaired()).as("n2's ranges of acme, made an hour before globex, are still unrepaired")
                .contains(PERIOD.plusHours(2));
        assertThat(claims.lastRepaired()).as("as of each tenant's creation: a range of each failed")
                .containsEntry(ACME, tenants.find(ACME).orElseThrow().createdAt())
                .containsEntry(GLOBEX, tenants.find(GLOBEX).orElseThrow().createdAt());

        data.failScans(new NodeId("n2"), false);
        clock.advance(Duration.ofMinutes(5));
        assertThat(coordinator("coord-b").repairDue()).as("released, so another coordinator takes it")
                .hasSize(2).allSatisfy(s -> assertThat(s).isInstanceOf(RepairDueTenants.Scheduled.Repaired.class));
        RepairRun second = runs.list(1).getFirst();
        assertThat(second.tenant()).contains(GLOBEX);
        assertThat(second.rangesTotal()).as("only the ranges n2 replicates, not those repaired five minutes ago")
                .isPositive().isLessThan(first.rangesTotal());
        assertThat(missingCopies(ACME) + missingCopies(GLOBEX)).isZero();
        assertThat(a.oldestUnrepaired()).as("the ranges repaired in the first run").contains(Duration.ofMinutes(5));
    }

    @Test
    void anOnDemandRepairCountsForTheScheduleRangeByRange() {
        RepairDueTenants a = coordinator("coord-a");
        RepairTenants onDemand = new RepairTenants(topology, tenants, runs, new RepairRange(data, RepairSettings.DEFAULTS),
                RepairEvents.NONE, clock, new RepairTenants.Runner("admin", Duration.ofMinutes(1)));
        clock.advance(PERIOD.minusDays(1));
        assertThat(onDemand.repair(Optional.of(ACME), Optional.empty(), false))
                .isInstanceOf(RepairTenants.Outcome.Done.class);
        clock.advance(Duration.ofDays(2));
        assertThat(onDemand.repair(Optional.of(GLOBEX), Optional.of(N1), false))
                .isInstanceOf(RepairTenants.Outcome.Done.class);

        assertThat(a.oldestUnrepaired()).as("globex's ranges n1 does not replicate, since globex was made")
                .contains(PERIOD.plusDays(1));
        List<RepairDueTenants.Scheduled> done = a.repairDue();

        assertThat(done).as("acme was repaired on demand two days ago").extracting(RepairDueTenants.Scheduled::tenant)
                .containsExactly(GLOBEX);
        RepairRun scheduled = runs.list(1).getFirst();
        RepairRun byNode = runs.list(2).getLast();
        assertThat(scheduled.rangesTotal() + byNode.rangesTotal()).as("n1's ranges of globex are not compared again")
                .isEqualTo(runs.list(3).getLast().rangesTotal());
        assertThat(a.oldestUnrepaired()).as("acme's repair, two days ago").contains(Duration.ofDays(2));
        assertThat(missingCopies(ACME) + missingCopies(GLOBEX)).isZero();
    }

    @Test
    void aTenantWithMoreReplicasThanNodesIsReportedIncompleteAtEachLookWithoutAnEmptyRun() {
        TenantId wide = new TenantId("wide");
        tenantStore.insert(new Tenant(wide, 6, clock.now(), clock.now(), 1));
        RepairDueTenants a = coordinator("coord-a");
        clock.advance(PERIOD.plusHours(1));

        List<RepairDueTenants.Scheduled> first = a.repairDue();
        clock.advance(Duration.ofMinutes(5));
        List<RepairDueTenants.Scheduled> second = a.repairDue();

        assertThat(first).extracting(RepairDueTenants.Scheduled::tenant).containsExactly(ACME, GLOBEX, wide);
        assertThat(second).singleElement().isInstanceOfSatisfying(RepairDueTenants.Scheduled.Incomplete.class, i -> {
            assertThat(i.tenant()).isEqualTo(wide);
            assertThat(i.why()).contains("fewer nodes than its replication factor");
        });
        assertThat(runs.list(10)).as("one run each for acme and globex, none for wide")
                .extracting(r -> r.tenant().orElseThrow()).containsExactlyInAnyOrder(ACME, GLOBEX);
    }

    @Test
    void aTenantClaimedByALiveCoordinatorIsLeftToIt() {
        clock.advance(PERIOD.plusMinutes(1));
        claims.claim(ACME, "coord-b", clock.now(), Duration.ofMinutes(5));

        assertThat(coordinator("coord-a").repairDue()).extracting(RepairDueTenants.Scheduled::tenant)
                .containsExactly(GLOBEX);
        assertThat(missingCopies(ACME)).isPositive();
    }

    @Test
    void scheduledRepairsArePacedToTheirBytesPerSecond() {
        long bytesPerSecond = 1000;
        RepairDueTenants a = coordinator("coord-a", new RepairSchedule(PERIOD, Duration.ofMinutes(5), bytesPerSecond));
        clock.advance(PERIOD.plusHours(1));

        List<RepairDueTenants.Scheduled> done = a.repairDue();

        long moved = done.stream().mapToLong(s -> ((RepairDueTenants.Scheduled.Repaired) s).report().bytesMoved()).sum();
        assertThat(moved).isPositive();
        // every range but the last is paid for before the next one starts
        assertThat(pausedMillis.get()).isGreaterThan(moved * 1000 / bytesPerSecond / 2)
                .isLessThanOrEqualTo(moved * 1000 / bytesPerSecond + 1);
    }

    private List<StorageNode> replicas(TenantId tenant, String key) {
        return topology.current().replicasFor(Token.forKey(tenant.value(), key), 3).orElseThrow().natural();
    }

    /** Copies of the tenant's keys its replicas lack. */
    private long missingCopies(TenantId tenant) {
        long missing = 0;
        for (int i = 0; i < KEYS; i++) {
            KeyPosition position = new KeyPosition(Token.forKey(tenant.value(), "k" + i), tenant, "k" + i);
            missing += replicas(tenant, "k" + i).stream().filter(r -> !data.held(r.id()).containsKey(position)).count();
        }
        return missing;
    }
}
