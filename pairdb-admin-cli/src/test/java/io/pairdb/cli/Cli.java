package io.pairdb.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs pairdb-admin in this JVM with captured streams and its own environment variables. The
 * fake coordinators speak plaintext, so {@code --plaintext} is added unless {@link #overTls()};
 * {@code PAIRDB_HOME} is an empty directory of the test's, never the user's {@code ~/.pairdb}.
 */
final class Cli {

    private final Map<String, String> environment = new HashMap<>(Map.of(CommonOptions.HOME_VARIABLE,
            TestHome.EMPTY.toString()));
    private byte[] stdin = new byte[0];
    private boolean terminal;
    private boolean plaintext = true;

    static Cli cli() {
        return new Cli();
    }

    /** Without {@code --plaintext}: the CLI's default, TLS. */
    Cli overTls() {
        plaintext = false;
        return this;
    }

    Cli withVariable(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Cli withStdin(byte[] bytes) {
        stdin = bytes.clone();
        return this;
    }

    /** As if stdin and stdout were a terminal: questions are asked, progress bars drawn. */
    Cli onTerminal() {
        terminal = true;
        return this;
    }

    Result run(String... given) {
        String[] args = plaintext ? Stream.concat(Stream.of(given), Stream.of("--plaintext")).toArray(String[]::new) : given;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exitCode;
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = PairdbAdmin.run(new Host(new ByteArrayInputStream(stdin), outStream, errStream, environment, terminal, terminal), args);
        }
        return new Result(exitCode, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int exitCode, byte[] stdoutBytes, String stderr) {

        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr;
        }
    }
}
