package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.DescribeRing.Factor;
import io.pairdb.core.ring.DescribeRing.Outcome;
import io.pairdb.core.tenant.TenantId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DescribeRingTest {
    private final SharedRing ring = new SharedRing().withNodes(3);
    private final DescribeRing describeRing = new DescribeRing(ring.tenants, ring.topology);

    @Test
    void withoutAFactorTheRingIsDescribedForTheLargestReplicationFactorAnyTenantHas() {
        ring.tenants.create(new TenantId("small"), Optional.of(1));
        ring.tenants.create(new TenantId("big"), Optional.of(3));
        ring.tenants.create(new TenantId("middle"), Optional.of(2));

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
        ring.tenants.create(new TenantId("acme"), Optional.of(2));

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
        ring.elsewhere.register(new NodeId("node-4"), "10.0.0.4", 7000, 8);

        assertThat(describeRing.describe(new Factor.Given(4))).isInstanceOfSatisfying(Outcome.Described.class,
                d -> assertThat(d.ring().epoch()).isEqualTo(ring.store.epoch()));
    }
}
