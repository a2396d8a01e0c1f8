package io.pairdb.core.node;

import java.util.Objects;
import java.util.regex.Pattern;

/** A storage node's stable identifier: 1–64 characters of {@code [A-Za-z0-9._-]}. */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public NodeId {
        Objects.requireNonNull(value, "node id");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "node id must be 1-64 characters of letters, digits, '.', '_' or '-': '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
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
