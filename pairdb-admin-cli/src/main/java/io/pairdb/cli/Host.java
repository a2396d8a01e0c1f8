package io.pairdb.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the process was given by whoever started it: standard streams and environment
 * variables. Commands read these only through this record so that tests can run the CLI
 * in-process with their own streams and variables, without touching the real ones.
 */
public record Host(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {

    public Host {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        environment = Map.copyOf(environment);
    }

    public static Host system() {
        return new Host(System.in, System.out, System.err, System.getenv());
    }

    /** The variable's value, or empty when it is unset or blank. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isBlank());
    }
}
