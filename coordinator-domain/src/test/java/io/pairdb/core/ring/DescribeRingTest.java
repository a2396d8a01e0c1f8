package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.DescribeRing.Factor;
import io.pairdb.core.ring.DescribeRing.Outcome;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingMetrics;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DescribeRingTest {
    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore store = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(store, clock);
    /** Another coordinator sharing the store: what it registers, this one has not loaded yet. */
    private final ClusterTopology elsewhere = new ClusterTopology(store, clock);
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(store), topology, clock,
            new RecordingMetrics(), new TenantService.Settings(2, 5, Duration.ofMinutes(5)));
    private final DescribeRing describeRing = new DescribeRing(tenants, topology);

    @BeforeEach
    void threeNodes() {
        for (int i = 1; i <= 3; i++) {
            topology.register(new NodeId("node-" + i), "10.0.0." + i, 7000, 8);
        }
    }

    @Test
    void withoutAFactorTheRingIsDescribedForTheLargestReplicationFactorAnyTenantHas() {
        tenants.create(new TenantId("small"), Optional.of(1));
        tenants.create(new TenantId("big"), Optional.of(3));
        tenants.create(new TenantId("middle"), Optional.of(2));

        Outcome outcome = describeRing.describe(new Factor.LargestInUse());

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Described.class, d -> {
            assertThat(d.ring().replicationFactor()).isEqualTo(3);
            assertThat(d.ring().ranges()).hasSize(3 * 8).allSatisfy(r -> assertThat(r.natural()).hasSize(3));
        });
    }

    @Test
    void withoutAFactorOrAnyTenantNoReplicationFactorIsInUse() {
        assertThat(describeRing.describe(new Factor.LargestInUse())).isEqualTo(new Outcome.NoTenants());
    }

    @Test
    void aTenantsRingUsesItsReplicationFactorAndAnUnknownTenantIsNotFound() {
        tenants.create(new TenantId("acme"), Optional.of(2));

        assertThat(describeRing.describe(new Factor.OfTenant(new TenantId("acme"))))
                .isInstanceOfSatisfying(Outcome.Described.class, d -> assertThat(d.ring().replicationFactor()).isEqualTo(2));
        assertThat(describeRing.describe(new Factor.OfTenant(new TenantId("nobody"))))
                .isEqualTo(new Outcome.TenantNotFound(new TenantId("nobody")));
    }

    @Test
    void aReplicationFactorAboveTheNodeCountSaysHowManyNodesThereAre() {
        assertThat(describeRing.describe(new Factor.Given(4))).isEqualTo(new Outcome.TooFewNodes(3, 4));
    }

    @Test
    void aNodeAnotherCoordinatorRegisteredIsInTheDescription() {
        elsewhere.register(new NodeId("node-4"), "10.0.0.4", 7000, 8);

        assertThat(describeRing.describe(new Factor.Given(4))).isInstanceOfSatisfying(Outcome.Described.class,
                d -> assertThat(d.ring().epoch()).isEqualTo(store.epoch()));
    }
}
