package io.pairdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.ExplainKey.Outcome;
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

class ExplainKeyTest {
    private static final TenantId ACME = new TenantId("acme");

    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore store = new InMemoryTopologyStore();
    private final ClusterTopology topology = new ClusterTopology(store, clock);
    /** Another coordinator sharing the store: what it registers, this one has not loaded yet. */
    private final ClusterTopology elsewhere = new ClusterTopology(store, clock);
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(store), topology, clock,
            new RecordingMetrics(), new TenantService.Settings(2, 5, Duration.ofMinutes(5)));
    private final ExplainKey explainKey = new ExplainKey(tenants, topology);

    @BeforeEach
    void threeNodesAndATenant() {
        for (int i = 1; i <= 3; i++) {
            topology.register(new NodeId("node-" + i), "10.0.0." + i, 7000, 8);
        }
        tenants.create(ACME, Optional.of(2));
    }

    @Test
    void aKeysTokenAndReplicasAreThoseOfTheRingForItsTenantsReplicationFactor() {
        Outcome outcome = explainKey.explain(ACME, "user:1");

        Token token = Token.forKey("acme", "user:1");
        ReplicaSets sets = topology.current().replicasFor(token, 2).orElseThrow();
        assertThat(outcome).isEqualTo(new Outcome.Explained(token, 2, store.epoch(),
                RingDescription.ids(sets.natural()), RingDescription.ids(sets.pending())));
        assertThat(((Outcome.Explained) outcome).natural()).hasSize(2);
    }

    @Test
    void aKeyOfAnUnknownTenantIsNotExplained() {
        assertThat(explainKey.explain(new TenantId("nobody"), "k")).isEqualTo(new Outcome.TenantNotFound(new TenantId("nobody")));
    }

    @Test
    void aNodeAnotherCoordinatorRegisteredCountsAtOnce() {
        long before = topology.current().epoch();
        elsewhere.register(new NodeId("node-4"), "10.0.0.4", 7000, 8);

        Outcome outcome = explainKey.explain(ACME, "user:1");

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Explained.class,
                e -> assertThat(e.ringEpoch()).isEqualTo(store.epoch()).isGreaterThan(before));
    }
}
