package io.pairdb.core.ring;

import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import java.util.Objects;

/**
 * The ring as {@code nodetool describering} shows it, for one replication factor: a tenant's, a
 * given one, or, like {@code nodetool ring} without a keyspace, the largest any tenant uses. Reads
 * the topology the store holds now (refreshing this coordinator's view if the epoch moved).
 */
public final class DescribeRing {

    /** Which replication factor the ranges' replicas are worked out for. */
    public sealed interface Factor {
        record OfTenant(TenantId tenant) implements Factor {
            public OfTenant {
                Objects.requireNonNull(tenant, "tenant");
            }
        }

        record Given(int replicationFactor) implements Factor {
            public Given {
                if (replicationFactor < 1) {
                    throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
                }
            }
        }

        /** The largest replication factor of any tenant. */
        record LargestInUse() implements Factor {
        }
    }

    public sealed interface Outcome {
        record Described(RingDescription ring) implements Outcome {
        }

        record TenantNotFound(TenantId tenant) implements Outcome {
        }

        /** {@link Factor.LargestInUse} with no tenant at all: no replication factor is in use. */
        record NoTenants() implements Outcome {
        }

        /** The current ring has fewer nodes than the replication factor asked for. */
        record TooFewNodes(int nodes, int replicationFactor) implements Outcome {
        }
    }

    private final TenantService tenants;
    private final ClusterTopology topology;

    public DescribeRing(TenantService tenants, ClusterTopology topology) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    public Outcome describe(Factor factor) {
        int rf;
        switch (factor) {
            case Factor.OfTenant of -> {
                var tenant = tenants.find(of.tenant());
                if (tenant.isEmpty()) {
                    return new Outcome.TenantNotFound(of.tenant());
                }
                rf = tenant.get().replicationFactor();
            }
            case Factor.Given given -> rf = given.replicationFactor();
            case Factor.LargestInUse largest -> {
                var largestInUse = tenants.list().stream().mapToInt(Tenant::replicationFactor).max();
                if (largestInUse.isEmpty()) {
                    return new Outcome.NoTenants();
                }
                rf = largestInUse.getAsInt();
            }
        }
        TopologyView view = topology.refresh();
        return RingDescription.of(view, rf).<Outcome>map(Outcome.Described::new)
                .orElseGet(() -> new Outcome.TooFewNodes(view.currentNodeCount(), rf));
    }
}
