package io.pairdb.cli.bench;

/** How a run spreads its requests over the key space ({@code --distribution}). */
enum Distribution {
    /** Every key equally likely. */
    UNIFORM,
    /** {@value KeyChooser#HOT_OPS_PERCENT} % of requests on the first {@value KeyChooser#HOT_KEYS_PERCENT} % of the keys. */
    HOT
}
