package io.pairdb.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.testing.GatedTenantStore;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingEvents;
import io.pairdb.core.testing.SteppedScheduler;
import io.pairdb.core.testing.VirtualThreadScheduler;
import io.pairdb.core.tenant.TenantService.CreateOutcome;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantServiceTest {
    private static final TenantId ACME = new TenantId("acme");

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore topologyStore = new InMemoryTopologyStore();
    private final InMemoryTenantStore store = new InMemoryTenantStore(topologyStore);
    private final ClusterTopology topology = new ClusterTopology(topologyStore, clock);
    private final RecordingEvents events = new RecordingEvents();
    private final TenantService tenants = new TenantService(store, topology, clock, events,
            new TenantService.Settings(3, 5, Duration.ofMinutes(5)));

    @BeforeEach
    void fourNodes() {
        for (int i = 1; i <= 4; i++) {
            topology.register(new NodeId("node-" + i), "10.0.0." + i, 7000, 150);
        }
    }

    @Test
    void aCachedTenantIsFoundAtOnceAndAMissIsLoadedOnTheSchedulerNotTheCallersThread() {
        tenants.create(ACME, Optional.of(3));
        SteppedScheduler loader = new SteppedScheduler(clock);

        CompletableFuture<Optional<Tenant>> miss = tenants.findAsync(ACME, loader);
        assertThat(miss).as("nothing loaded until the scheduler runs the load").isNotDone();
        assertThat(loader.runOne()).isTrue();
        assertThat(miss.join()).hasValueSatisfying(t -> assertThat(t.replicationFactor()).isEqualTo(3));

        CompletableFuture<Optional<Tenant>> hit = tenants.findAsync(ACME, loader);
        assertThat(hit).isDone();
        assertThat(hit.join()).isEqualTo(miss.join());
        assertThat(loader.runOne()).as("a fresh cache entry needs no load").isFalse();
    }

    @Test
    void aTenantCreatedWithoutAReplicationFactorGetsTheDefault() {
        CreateOutcome outcome = tenants.create(ACME, Optional.empty());

        assertThat(outcome).isInstanceOfSatisfying(CreateOutcome.Created.class, c -> {
            assertThat(c.tenant().id()).isEqualTo(ACME);
            assertThat(c.tenant().replicationFactor()).isEqualTo(3);
            assertThat(c.tenant().createdAt()).isEqualTo(clock.now());
        });
        assertThat(store.find(ACME)).hasValueSatisfying(t -> assertThat(t.replicationFactor()).isEqualTo(3));
    }

    @Test
    void creatingATenantTwiceReportsThatItExists() {
        tenants.create(ACME, Optional.of(2));

        assertThat(tenants.create(ACME, Optional.of(3))).isEqualTo(new CreateOutcome.AlreadyExists(ACME));
        assertThat(store.find(ACME)).hasValueSatisfying(t -> assertThat(t.replicationFactor()).isEqualTo(2));
    }

    @Test
    void aReplicationFactorOfZeroIsRefusedWithTheAllowedRange() {
        assertThat(tenants.create(ACME, Optional.of(0)))
                .isInstanceOfSatisfying(CreateOutcome.InvalidReplicationFactor.class, r ->
                        assertThat(r.reason()).contains("between 1 and 5").contains("was 0"));
        assertThat(store.find(ACME)).isEmpty();
    }

    @Test
    void aReplicationFactorAboveTheMaximumIsRefusedWithTheAllowedRange() {
        assertThat(tenants.create(ACME, Optional.of(6)))
                .isInstanceOfSatisfying(CreateOutcome.InvalidReplicationFactor.class, r ->
                        assertThat(r.reason()).contains("between 1 and 5").contains("was 6"));
    }

    @Test
    void aReplicationFactorAboveTheNodeCountIsRefusedWithWhatToDo() {
        assertThat(tenants.create(ACME, Optional.of(5)))
                .isInstanceOfSatisfying(CreateOutcome.InvalidReplicationFactor.class, r ->
                        assertThat(r.reason()).contains("5").contains("4 storage nodes").contains("add nodes"));
        assertThat(store.find(ACME)).isEmpty();
    }

    @Test
    void theSecondFindIsServedFromTheCache() {
        tenants.create(ACME, Optional.of(3));

        Optional<Tenant> first = tenants.find(ACME);
        Optional<Tenant> second = tenants.find(ACME);

        assertThat(second).isEqualTo(first).isPresent();
        assertThat(events.tenantCacheMisses).hasValue(1);
        assertThat(events.tenantCacheHits).hasValue(1);
    }

    @Test
    void aCachedTenantExpiresAfterTheTtl() {
        tenants.create(ACME, Optional.of(3));
        tenants.find(ACME);
        // a change the cache cannot know about, as if made by another coordinator
        Tenant stored = store.find(ACME).orElseThrow();
        store.update(stored.withReplicationFactor(2, clock.now()), stored.version());

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(tenants.find(ACME)).hasValueSatisfying(t -> assertThat(t.replicationFactor()).isEqualTo(3));
        assertThat(events.tenantCacheHits).hasValue(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(tenants.find(ACME)).hasValueSatisfying(t -> assertThat(t.replicationFactor()).isEqualTo(2));
        assertThat(events.tenantCacheMisses).hasValue(2);
    }

    @Test
    void aNewRingEpochMakesCachedTenantsStaleAtOnce() {
        tenants.create(ACME, Optional.of(3));
        Tenant cached = tenants.find(ACME).orElseThrow();
        store.update(cached.raisingTo(4, clock.now()), cached.version());

        assertThat(tenants.find(ACME)).as("same epoch, within the TTL: the cached entry")
                .hasValueSatisfying(t -> assertThat(t.pendingReplicationFactor()).isEmpty());
        topologyStore.bumpEpoch();
        topology.reload();

        assertThat(tenants.find(ACME)).as("an RF change bumps the epoch; its coordinators route by the new RF")
                .hasValueSatisfying(t -> assertThat(t.pendingReplicationFactor()).contains(4));
    }

    @Test
    void replicationFactorBoundsAreTheSameForEveryPath() {
        TenantService.Settings settings = new TenantService.Settings(3, 5, Duration.ofMinutes(5));

        assertThat(settings.check(0, 4)).hasValueSatisfying(r -> assertThat(r).contains("between 1 and 5"));
        assertThat(settings.check(6, 9)).hasValueSatisfying(r -> assertThat(r).contains("between 1 and 5"));
        assertThat(settings.check(5, 4)).hasValueSatisfying(r -> assertThat(r).contains("exceeds the 4 storage nodes"));
        assertThat(settings.check(4, 4)).isEmpty();
    }

    @Test
    void aTenantsReplicationFactorMustFitTheNodesLeftOnceALeavingNodeHasLeft() {
        // node-4 was decommissioned: three nodes are left
        topologyStore.update(topologyStore.find(new NodeId("node-4")).orElseThrow().withState(NodeState.LEFT,
                clock.now()));

        assertThat(tenants.create(ACME, Optional.of(4))).isInstanceOfSatisfying(CreateOutcome.InvalidReplicationFactor.class,
                invalid -> assertThat(invalid.reason()).contains("exceeds the 3 storage nodes"));
        assertThat(store.find(ACME)).isEmpty();
        assertThat(tenants.create(ACME, Optional.of(3))).isInstanceOf(CreateOutcome.Created.class);
    }

    @Test
    void aTenantIsNotCreatedWhileANodeJoinsOrLeavesAndIsOnceTheChangeEnded() {
        // a change's streams are planned for the tenants that exist when it starts
        for (NodeState moving : List.of(NodeState.BOOTSTRAPPING, NodeState.BOOTSTRAPPED, NodeState.LEAVING,
                NodeState.HANDED_OVER)) {
            topologyStore.update(topologyStore.find(new NodeId("node-4")).orElseThrow().withState(moving, clock.now()));

            assertThat(tenants.create(ACME, Optional.of(3))).as("node-4 %s", moving)
                    .isEqualTo(new CreateOutcome.NodeChangeInFlight(ACME, new NodeId("node-4"), moving));
            assertThat(store.find(ACME)).isEmpty();
        }
        topologyStore.update(topologyStore.find(new NodeId("node-4")).orElseThrow().withState(NodeState.NORMAL,
                clock.now()));

        assertThat(tenants.create(ACME, Optional.of(3))).isInstanceOf(CreateOutcome.Created.class);
    }

    @Test
    void aTenantIsNotCreatedWhenADecommissionStartsWhileItIsChecked() {
        InMemoryTenantStore shared = new InMemoryTenantStore(topologyStore);
        TenantService service = new TenantService(shared, topology, clock, events,
                new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
        // after the checks against four NORMAL nodes, another coordinator starts decommissioning node-4
        shared.beforeNextInsert(() -> topologyStore.update(topologyStore.find(new NodeId("node-4")).orElseThrow()
                .withState(NodeState.LEAVING, clock.now())));

        assertThat(service.create(ACME, Optional.of(4)))
                .isEqualTo(new CreateOutcome.NodeChangeInFlight(ACME, new NodeId("node-4"), NodeState.LEAVING));
        assertThat(shared.find(ACME)).isEmpty();
    }

    @Test
    void anUnknownTenantIsNotFound() {
        assertThat(tenants.find(ACME)).isEmpty();
    }

    @Test
    void anUnknownTenantCreatedElsewhereIsUsableOnceItsAbsenceIsForgotten() {
        assertThat(tenants.find(ACME)).isEmpty();
        store.insert(new Tenant(ACME, 3, clock.now(), clock.now(), 1));

        assertThat(tenants.find(ACME)).as("remembered as missing").isEmpty();
        clock.advance(TenantService.Settings.DEFAULT_MISSING_TTL);
        assertThat(tenants.find(ACME)).isPresent();
    }

    @Test
    void tenantsAreListedById() {
        tenants.create(new TenantId("zeta"), Optional.empty());
        tenants.create(ACME, Optional.empty());

        assertThat(tenants.list()).extracting(t -> t.id().value()).containsExactly("acme", "zeta");
    }

    @Test
    void concurrentLookupsOfOneTenantShareOneStoreCall() {
        GatedTenantStore slow = new GatedTenantStore(topologyStore);
        TenantService service = new TenantService(slow, topology, clock, events, TenantService.Settings.defaults());
        service.create(ACME, Optional.of(3));
        slow.close();
        try (VirtualThreadScheduler loader = new VirtualThreadScheduler()) {
            List<CompletableFuture<Optional<Tenant>>> lookups = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                lookups.add(service.findAsync(ACME, loader));
            }
            // every load that was started has reached the store by now (a lone one would, at once)
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.waiting() >= 1);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> slow.finds() >= 1);

            assertThat(slow.finds()).as("store lookups for 10 concurrent requests").isEqualTo(1);
            slow.open();
            lookups.forEach(l -> assertThat(l.join()).isPresent());
        } finally {
            slow.open();
        }
    }

    @Test
    void aLookupMadeOnceANewEpochIsServedDoesNotShareALoadThatReadTheTenantBeforeIt() throws Exception {
        GatedTenantStore slow = new GatedTenantStore(topologyStore);
        TenantService service = new TenantService(slow, topology, clock, events, TenantService.Settings.defaults());
        Tenant created = ((CreateOutcome.Created) service.create(ACME, Optional.of(3))).tenant();
        slow.closeAfterReading();
        try (VirtualThreadScheduler loader = new VirtualThreadScheduler()) {
            CompletableFuture<Optional<Tenant>> early = service.findAsync(ACME, loader);
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.waiting() == 1);

            // an RF raise commits (another coordinator's, with its epoch), and this coordinator serves that
            // epoch: a request it takes from now on must route with the pending RF, or its write can miss
            // the stream that copies the key to the new replicas
            slow.updateAndBumpEpoch(created.raisingTo(5, clock.now()), created.version());
            topology.refresh();
            CompletableFuture<Optional<Tenant>> late = service.findAsync(ACME, loader);
            slow.open();

            assertThat(late.get(10, SECONDS).orElseThrow().pendingReplicationFactor()).contains(5);
            assertThat(early.get(10, SECONDS)).isPresent();
        } finally {
            slow.open();
        }
    }

    @Test
    void aMissingTenantIsRememberedBrieflyAndForgottenWhenCreated() {
        GatedTenantStore counting = new GatedTenantStore(topologyStore);
        TenantService service = new TenantService(counting, topology, clock, events, TenantService.Settings.defaults());
        SteppedScheduler loader = new SteppedScheduler(clock);

        for (int i = 0; i < 5; i++) {
            CompletableFuture<Optional<Tenant>> lookup = service.findAsync(ACME, loader);
            while (loader.runOne()) {
                // load it
            }
            assertThat(lookup.join()).isEmpty();
        }
        assertThat(counting.finds()).as("an unknown tenant is not looked up on every request").isEqualTo(1);

        service.create(ACME, Optional.of(3));
        CompletableFuture<Optional<Tenant>> afterCreate = service.findAsync(ACME, loader);
        while (loader.runOne()) {
            // load it
        }
        assertThat(afterCreate.join()).as("created here: usable at once").isPresent();
    }

    @Test
    void aTenantsSpeculationPolicyIsStoredSeenAtOnceAndClearedAgain() {
        tenants.create(ACME, Optional.of(3));
        assertThat(tenants.find(ACME).orElseThrow().speculation()).isEmpty();
        SpeculationPolicy fixed = new SpeculationPolicy.Fixed(Duration.ofMillis(15));

        assertThat(tenants.setSpeculation(ACME, Optional.of(fixed)))
                .isInstanceOf(TenantService.SetSpeculationOutcome.Updated.class);
        assertThat(tenants.find(ACME).orElseThrow().speculation()).as("not the cached tenant").contains(fixed);
        assertThat(store.find(ACME).orElseThrow().version()).isEqualTo(2);

        tenants.setSpeculation(ACME, Optional.empty());
        assertThat(tenants.find(ACME).orElseThrow().speculation()).isEmpty();
    }

    @Test
    void settingTheSpeculationOfAnUnknownTenantSaysSo() {
        assertThat(tenants.setSpeculation(ACME, Optional.of(new SpeculationPolicy.Percentile(99))))
                .isEqualTo(new TenantService.SetSpeculationOutcome.NotFound(ACME));
    }

    @Test
    void aQuotaSetOnAnotherCoordinatorIsEnforcedHereOnceThisOneServesTheNextEpochNotAfterTheTtl() {
        InMemoryTopologyStore ring = new InMemoryTopologyStore();
        InMemoryTenantStore shared = new InMemoryTenantStore(ring);
        ClusterTopology thereTopology = new ClusterTopology(ring, clock);
        thereTopology.register(new NodeId("node-1"), "10.0.0.1", 7000, 150);
        ClusterTopology hereTopology = new ClusterTopology(ring, clock);
        TenantService.Settings fiveMinutes = new TenantService.Settings(3, 5, Duration.ofMinutes(5));
        TenantService there = new TenantService(shared, thereTopology, clock, events, fiveMinutes);
        TenantService here = new TenantService(shared, hereTopology, clock, events, fiveMinutes);
        there.create(ACME, Optional.of(1));
        hereTopology.refresh();
        assertThat(here.find(ACME).orElseThrow().quota()).isEqualTo(TenantQuota.UNLIMITED);

        there.setQuota(ACME, new TenantQuota(100, 0));
        hereTopology.refresh(); // what LISTEN/NOTIFY, or the poll, makes every coordinator do

        assertThat(here.find(ACME).orElseThrow().quota()).as("well within the TTL of the cached copy")
                .isEqualTo(new TenantQuota(100, 0));
    }

    @Test
    void aTenantsQuotaIsStoredSeenAtOnceAndAnUnknownTenantSaysSo() {
        tenants.create(ACME, Optional.of(3));
        tenants.find(ACME);
        assertThat(tenants.setQuota(ACME, new TenantQuota(100, 0)))
                .isInstanceOf(TenantService.SetQuotaOutcome.Updated.class);
        assertThat(tenants.find(ACME).orElseThrow().quota()).as("not the cached tenant").isEqualTo(new TenantQuota(100, 0));
        assertThat(store.find(ACME).orElseThrow().version()).isEqualTo(2);
        assertThat(tenants.setQuota(new TenantId("nobody"), TenantQuota.UNLIMITED))
                .isEqualTo(new TenantService.SetQuotaOutcome.NotFound(new TenantId("nobody")));
    }
}
