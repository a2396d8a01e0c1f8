package io.pairdb.core.node;

import java.util.List;
import java.util.Objects;

/** The registered storage nodes as of one ring epoch. */
public record Topology(long epoch, List<StorageNode> nodes) {
    public Topology {
        Objects.requireNonNull(nodes, "nodes");
        nodes = List.copyOf(nodes);
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative");
        }
    }

    public static Topology empty() {
        return new Topology(0, List.of());
    }
}
