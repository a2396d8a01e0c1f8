package io.pairdb.core.node;

import io.pairdb.core.Identifiers;
import java.util.Objects;

/** A storage node's stable identifier: 1–64 characters of {@code [A-Za-z0-9._-]}. */
public record NodeId(String value) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(value, "node id");
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "node id must be 1-64 characters of letters, digits, '.', '_' or '-': '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return Identifiers.isPlainName(value, 64);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
