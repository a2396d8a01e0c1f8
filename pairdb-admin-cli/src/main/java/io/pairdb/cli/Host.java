package io.pairdb.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the process was given by whoever started it: standard streams and environment
 * variables, and whether stdin and stdout are terminals (a person can be asked; a progress bar
 * can be drawn). Commands read these only through this record so that tests can run the CLI
 * in-process with their own streams and variables, without touching the real ones.
 */
public record Host(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                   boolean stdinIsTerminal, boolean stdoutIsTerminal) {

    /** Set by {@code bin/pairdb-admin} from the shell's {@code [ -t 0 ]} and {@code [ -t 1 ]}. */
    static final String STDIN_TERMINAL_PROPERTY = "pairdb.admin.stdin-terminal";
    static final String STDOUT_TERMINAL_PROPERTY = "pairdb.admin.stdout-terminal";

    public Host {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        environment = Map.copyOf(environment);
    }

    /** Streams that are not terminals: nobody to ask, no progress bar. */
    public Host(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        this(in, out, err, environment, false, false);
    }

    public static Host system() {
        // The JVM cannot tell stdin from stdout being a terminal; the wrapper script can. Without it
        // (java -jar), a console that is a terminal means both are.
        boolean console = System.console() != null && System.console().isTerminal();
        return new Host(System.in, System.out, System.err, System.getenv(),
                terminal(STDIN_TERMINAL_PROPERTY, console), terminal(STDOUT_TERMINAL_PROPERTY, console));
    }

    private static boolean terminal(String property, boolean fallback) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? fallback : Boolean.parseBoolean(value);
    }

    /** The variable's value, or empty when it is unset or blank. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isBlank());
    }
}
