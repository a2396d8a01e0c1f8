package io.pairdb.core.topology;

import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.port.TopologyStore;
import java.util.Objects;

/** The stores a topology change reads and writes: nodes and epoch, tenants (their RFs), changes. */
public record ClusterStores(TopologyStore nodes, TenantStore tenants, ChangeStore changes) {
    public ClusterStores {
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(changes, "changes");
    }
}
