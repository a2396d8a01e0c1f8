package io.pairdb.cli.bench;

import java.util.Locale;

/** The consistency level every request of a run asks for ({@code --consistency}). */
enum Consistency {
    ONE,
    QUORUM,
    ALL;

    /** The request's {@code consistency} string. */
    String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Replica answers this level needs out of {@code replicas}. */
    int required(int replicas) {
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> replicas / 2 + 1;
            case ALL -> replicas;
        };
    }

    /** The level a request names; empty means the server's default, quorum. */
    static Consistency fromWire(String value) {
        return value.isEmpty() ? QUORUM : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
