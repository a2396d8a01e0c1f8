package io.pairdb.core.topology;

import io.pairdb.core.tenant.TenantId;
import java.util.Objects;

/** The subject of a {@link ChangeType#CHANGE_RF} change: a tenant's RF, from one value to another. */
public record ReplicationChange(TenantId tenant, int from, int to) {
    public ReplicationChange {
        Objects.requireNonNull(tenant, "tenant");
        if (from < 1 || to < 1 || from == to) {
            throw new IllegalArgumentException("a replication factor change goes between two different factors >= 1, not "
                    + from + " -> " + to);
        }
    }

    public boolean raises() {
        return to > from;
    }
}
