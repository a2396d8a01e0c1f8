package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.ExplainKey.Outcome;
import io.pairdb.core.tenant.TenantId;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExplainKeyTest {
    private static final TenantId ACME = new TenantId("acme");

    private final SharedRing ring = new SharedRing().withNodes(3);
    private final ExplainKey explainKey = new ExplainKey(ring.tenants, ring.topology);

    @BeforeEach
    void aTenantOfReplicationFactorTwo() {
        ring.tenants.create(ACME, Optional.of(2));
    }

    @Test
    void aKeysTokenAndReplicasAreThoseOfTheRingForItsTenantsReplicationFactor() {
        Outcome outcome = explainKey.explain(ACME, "user:1");

        Token token = Token.forKey("acme", "user:1");
        ReplicaSets sets = ring.topology.current().replicasFor(token, 2).orElseThrow();
        assertThat(outcome).isEqualTo(new Outcome.Explained(token, 2, ring.store.epoch(),
                RingDescription.ids(sets.natural()), RingDescription.ids(sets.pending())));
        assertThat(((Outcome.Explained) outcome).natural()).hasSize(2);
    }

    @Test
    void aKeyOfAnUnknownTenantIsNotExplained() {
        assertThat(explainKey.explain(new TenantId("nobody"), "k")).isEqualTo(new Outcome.TenantNotFound(new TenantId("nobody")));
    }

    @Test
    void aNodeAnotherCoordinatorRegisteredCountsAtOnce() {
        long before = ring.topology.current().epoch();
        ring.elsewhere.register(new NodeId("node-4"), "10.0.0.4", 7000, 8);

        Outcome outcome = explainKey.explain(ACME, "user:1");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Explained.class,
                e -> assertThat(e.ringEpoch()).isEqualTo(ring.store.epoch()).isGreaterThan(before));
    }
}
