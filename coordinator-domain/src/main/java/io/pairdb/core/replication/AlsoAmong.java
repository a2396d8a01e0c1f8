package io.pairdb.core.replication;

import io.pairdb.core.node.NodeId;
import java.util.Set;

/**
 * A further requirement on a round of replica calls: {@code required} answers from among
 * {@code members}, besides the round's own count over all it calls. A round that has one is
 * reached only once both counts are, and fails as soon as either can no longer be.
 */
public record AlsoAmong(Set<NodeId> members, int required) {
    public AlsoAmong {
        members = Set.copyOf(members);
        if (required < 1 || required > members.size()) {
            throw new IllegalArgumentException("cannot require " + required + " of " + members.size() + " members");
        }
    }
}
