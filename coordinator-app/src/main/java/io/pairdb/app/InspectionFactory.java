package io.pairdb.app;

import io.micronaut.context.annotation.Factory;
import io.pairdb.core.ring.DescribeNodes;
import io.pairdb.core.ring.DescribeRing;
import io.pairdb.core.ring.ExplainKey;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import jakarta.inject.Singleton;

/** The core's read-only views of the ring that the admin API shows. */
@Factory
public class InspectionFactory {

    @Singleton
    DescribeRing describeRing(TenantService tenants, ClusterTopology topology) {
        return new DescribeRing(tenants, topology);
    }

    @Singleton
    DescribeNodes describeNodes(ClusterTopology topology) {
        return new DescribeNodes(topology);
    }

    @Singleton
    ExplainKey explainKey(TenantService tenants, ClusterTopology topology) {
        return new ExplainKey(tenants, topology);
    }
}
