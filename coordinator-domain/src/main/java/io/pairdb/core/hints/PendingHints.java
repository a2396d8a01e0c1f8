package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import java.time.Instant;
import java.util.Objects;

/** The hints waiting for one node: how many, and when the oldest of them was created. */
public record PendingHints(NodeId target, long count, Instant oldestCreatedAt) {
    public PendingHints {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(oldestCreatedAt, "oldestCreatedAt");
        if (count < 1) {
            throw new IllegalArgumentException("a node with pending hints has at least one, was " + count);
        }
    }
}
