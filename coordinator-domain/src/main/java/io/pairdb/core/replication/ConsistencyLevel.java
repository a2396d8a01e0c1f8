package io.pairdb.core.replication;

import java.util.Locale;
import java.util.Optional;

/** How many replicas must answer: one, a majority, or all of RF. */
public enum ConsistencyLevel {
    ONE("one"), QUORUM("quorum"), ALL("all");

    /** The lower-case name, as on the wire; kept rather than made on every write that reports it. */
    private final String wireName;

    ConsistencyLevel(String wireName) {
        this.wireName = wireName;
    }

    public int required(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> replicationFactor / 2 + 1;
            case ALL -> replicationFactor;
        };
    }

    /** Parses "one", "quorum" or "all" (any case); empty for anything else. */
    public static Optional<ConsistencyLevel> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "one" -> Optional.of(ONE);
            case "quorum" -> Optional.of(QUORUM);
            case "all" -> Optional.of(ALL);
            default -> Optional.empty();
        };
    }

    public String wireName() {
        return wireName;
    }
}
