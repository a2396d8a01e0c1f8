package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.TokenRange;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A range a node stops replicating when a change completes, for these replication factors and
 * these tenants: what the change's cleanup may later delete from it. Planned and stored with the
 * change's streams, so the cleanup deletes what the change moved and not what the ring looks
 * like by then. Immutable.
 */
public record RangeRelease(int index, TokenRange range, NodeId node, SortedSet<Integer> replicationFactors,
                           TenantFilter tenants) {
    public RangeRelease {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(tenants, "tenants");
        replicationFactors = new TreeSet<>(replicationFactors);
        if (index < 0) {
            throw new IllegalArgumentException("release index must not be negative");
        }
        if (replicationFactors.isEmpty()) {
            throw new IllegalArgumentException("a release names at least one replication factor");
        }
    }
}
