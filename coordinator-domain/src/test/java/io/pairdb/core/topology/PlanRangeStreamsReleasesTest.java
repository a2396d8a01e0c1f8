package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanRangeStreamsReleasesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "10.0.0.1", 7000 + id.hashCode() % 100, 8, state, Liveness.UP, NOW, NOW);
    }

    private static TopologyView threeNodes() {
        List<StorageNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(node("n" + i, NodeState.NORMAL));
        }
        return TopologyView.of(new Topology(1, nodes));
    }

    private static Tenant tenant(String id, int rf) {
        return new Tenant(new TenantId(id), rf, NOW, NOW, 1);
    }

    @Test
    void anAddedNodeReleasesEveryRangeItTakesFromTheNodeItReplacesPerReplicationFactor() {
        TopologyView view = threeNodes();
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(view, node("n4", NodeState.BOOTSTRAPPING),
                List.of(tenant("a", 1), tenant("b", 3)));

        assertThat(plan.releases()).isNotEmpty();
        for (int i = 0; i < plan.releases().size(); i++) {
            RangeRelease r = plan.releases().get(i);
            assertThat(r.index()).isEqualTo(i);
            assertThat(r.node()).isNotEqualTo(new NodeId("n4"));
            Token end = r.range().end();
            for (int rf : r.replicationFactors()) {
                assertThat(view.currentRing().replicasFor(end, rf)).contains(r.node());
            }
            // a release for RF 1 only concerns the RF-1 tenant
            if (r.replicationFactors().equals(new TreeSet<>(Set.of(1)))) {
                assertThat(r.tenants()).isEqualTo(new TenantFilter.Only(List.of(new TenantId("a"))));
            }
            if (r.replicationFactors().equals(new TreeSet<>(Set.of(3)))) {
                assertThat(r.tenants()).isEqualTo(new TenantFilter.Only(List.of(new TenantId("b"))));
            }
        }
        assertThat(plan.releases()).extracting(RangeRelease::replicationFactors)
                .contains(new TreeSet<>(Set.of(1)), new TreeSet<>(Set.of(3)));
    }

    @Test
    void aRemovedNodeReleasesNothingItTakesItsCopiesOutOfTheRing() {
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(threeNodes(), new NodeId("n3"), List.of(tenant("a", 2)), false);

        assertThat(plan.streams()).isNotEmpty();
        assertThat(plan.releases()).isEmpty();
    }
}
