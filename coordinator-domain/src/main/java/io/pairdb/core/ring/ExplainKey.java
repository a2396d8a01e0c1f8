package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a key lives: its token and, at the ring epoch the store holds now, its natural and pending
 * replicas for its tenant's replication factor.
 */
public final class ExplainKey {

    public sealed interface Outcome {
        /** Replicas are empty when the current ring has fewer nodes than the replication factor. */
        record Explained(Token token, int replicationFactor, long ringEpoch, List<NodeId> natural,
                         List<NodeId> pending) implements Outcome {
            public Explained {
                natural = List.copyOf(natural);
                pending = List.copyOf(pending);
            }
        }

        record TenantNotFound(TenantId tenant) implements Outcome {
        }
    }

    private final TenantService tenants;
    private final ClusterTopology topology;

    public ExplainKey(TenantService tenants, ClusterTopology topology) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    public Outcome explain(TenantId tenantId, String key) {
        Optional<Tenant> tenant = tenants.find(tenantId);
        if (tenant.isEmpty()) {
            return new Outcome.TenantNotFound(tenantId);
        }
        int rf = tenant.get().replicationFactor();
        TopologyView view = topology.refresh();
        Token token = Token.forKey(tenantId.value(), key);
        Optional<ReplicaSets> sets = view.replicasFor(token, rf);
        return new Outcome.Explained(token, rf, view.epoch(),
                sets.map(s -> RingDescription.ids(s.natural())).orElse(List.of()), sets.map(s -> RingDescription.ids(s.pending())).orElse(List.of()));
    }
}
