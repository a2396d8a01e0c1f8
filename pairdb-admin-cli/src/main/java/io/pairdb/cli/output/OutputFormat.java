package io.pairdb.cli.output;

/** How a command prints its result ({@code -o}). */
public enum OutputFormat {
    /** Aligned text for people. */
    TABLE,
    /** One JSON document with the proto's snake_case field names, for jq and scripts. */
    JSON,
    /** The same document as JSON, in YAML. */
    YAML
}
