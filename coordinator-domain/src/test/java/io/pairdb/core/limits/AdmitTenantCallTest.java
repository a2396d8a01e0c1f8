package io.pairdb.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.port.TenantRateLimiter.Decision;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.GatedTenantStore;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingEvents;
import io.pairdb.core.testing.SteppedScheduler;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmitTenantCallTest {
    private static final TenantId ACME = new TenantId("acme");

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore ring = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(ring, clock);
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(ring), topology, clock,
            new RecordingEvents(), new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
    private final SteppedScheduler loader = new SteppedScheduler(clock);
    /** The shares asked about, and what it answers. */
    private final List<TenantQuota> asked = new ArrayList<>();
    private Decision answer = new Decision.Admitted();
    private final TenantRateLimiter limiter = new TenantRateLimiter() {
        @Override
        public Decision tryAcquire(TenantId tenant, TenantQuota share, long bytes) {
            asked.add(share);
            return answer;
        }

        @Override
        public Recent recent(TenantId tenant) {
            return new Recent(0, 0);
        }
    };
    private final AdmitTenantCall admit = new AdmitTenantCall(tenants, limiter, loader);

    @BeforeEach
    void threeNodes() {
        for (int i = 1; i <= 3; i++) {
            topology.register(new NodeId("node-" + i), "10.0.0." + i, 7000, 150);
        }
        tenants.create(ACME, Optional.of(3));
    }

    @Test
    void aTenantWithAQuotaIsAskedAboutForThisCoordinatorsShare() {
        tenants.setQuota(ACME, new TenantQuota(100, 3_000));
        admit.liveCoordinators(3);
        answer = new Decision.Throttled("ops", Duration.ofMillis(30));

        assertThat(run(ACME)).isEqualTo(answer);
        assertThat(asked).containsExactly(new TenantQuota(34, 1_000));
    }

    @Test
    void tenantsWithoutAQuotaAndUnknownTenantsPassWithoutTheLimiter() {
        assertThat(run(ACME)).isInstanceOf(Decision.Admitted.class);
        assertThat(run(new TenantId("nobody"))).as("the request itself answers TENANT_NOT_FOUND")
                .isInstanceOf(Decision.Admitted.class);
        assertThat(asked).isEmpty();
    }

    @Test
    void noLiveCoordinatorCountedMeansThisOneAlone() {
        tenants.setQuota(ACME, new TenantQuota(100, 0));
        admit.liveCoordinators(0);
        run(ACME);
        assertThat(asked).containsExactly(new TenantQuota(100, 0));
    }

    @Test
    void aTenantStoreThatDoesNotAnswerFailsTheCallOnceItsDeadlinePassed() throws Exception {
        GatedTenantStore store = new GatedTenantStore(ring);
        TenantService slowTenants = new TenantService(store, topology, clock, new RecordingEvents(),
                new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
        AdmitTenantCall slow = new AdmitTenantCall(slowTenants, limiter, loader);
        store.close();

        CompletableFuture<Decision> decision = slow.execute(ACME, 10, Duration.ofSeconds(2));
        // the lookup runs, and hangs, on a thread of its own; the deadline's timer on this one
        Thread lookup = Thread.ofPlatform().start(loader::runOne);
        await().atMost(Duration.ofSeconds(30)).until(() -> store.waiting() == 1);
        clock.advance(Duration.ofSeconds(2));
        while (loader.runOne()) {
            // the deadline
        }

        assertThat(decision).isCompletedExceptionally();
        assertThatThrownBy(decision::join).hasCauseInstanceOf(PairDbException.class)
                .hasMessageContaining("the tenant store did not answer within the request's deadline");
        store.open();
        lookup.join();
    }

    private Decision run(TenantId tenant) {
        CompletableFuture<Decision> decision = admit.execute(tenant, 10, Duration.ofSeconds(5));
        while (loader.runOne()) {
            // the tenant lookup
        }
        return decision.join();
    }
}
