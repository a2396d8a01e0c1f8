package io.pairdb.cli.bench;

import java.util.Locale;

/** The requests a run sends. */
enum Operation {
    WRITE,
    READ;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
