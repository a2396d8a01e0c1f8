package io.pairdb.core.ring;

import io.pairdb.core.node.StorageNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A key's replicas under the current topology: natural replicas (current ring) serve reads
 * and writes; pending replicas (future-ring members not among them) receive writes only.
 */
public record ReplicaSets(Token token, List<StorageNode> natural, List<StorageNode> pending) {
    public ReplicaSets {
        natural = List.copyOf(natural);
        pending = List.copyOf(pending);
    }

    public List<StorageNode> writeTargets() {
        List<StorageNode> all = new ArrayList<>(natural);
        all.addAll(pending);
        return all;
    }
}
