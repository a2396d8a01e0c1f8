package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.RecordingEvents;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;

/**
 * A ring of nodes in a store two coordinators share: {@link #topology} is the one under test,
 * {@link #elsewhere} another, whose registrations the first has not loaded yet. Tenants default to RF 2.
 */
final class SharedRing {
    final ManualClock clock = new ManualClock();
    final InMemoryTopologyStore store = new InMemoryTopologyStore();
    final ClusterTopology topology = new ClusterTopology(store, clock);
    final ClusterTopology elsewhere = new ClusterTopology(store, clock);
    final TenantService tenants = new TenantService(new InMemoryTenantStore(store), topology, clock,
            new RecordingEvents(), new TenantService.Settings(2, 5, Duration.ofMinutes(5)));

    /** Registers node-1 … node-{@code count}, 8 vnodes each, through the coordinator under test. */
    SharedRing withNodes(int count) {
        for (int i = 1; i <= count; i++) {
            topology.register(new NodeId("node-" + i), "10.0.0." + i, 7000, 8);
        }
        return this;
    }
}
