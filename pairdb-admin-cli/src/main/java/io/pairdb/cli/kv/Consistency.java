package io.pairdb.cli.kv;

import java.util.Locale;

/** The consistency levels the coordinator accepts ({@code --consistency}). */
enum Consistency {
    ONE,
    QUORUM,
    ALL;

    /** The request's {@code consistency} string; empty asks for the server's default (quorum). */
    static String wireValue(Consistency consistency) {
        return consistency == null ? "" : consistency.name().toLowerCase(Locale.ROOT);
    }

    /** A level the coordinator reported, for text output. */
    static String text(String reported) {
        return reported.isBlank() ? "the default consistency" : reported;
    }
}
