package io.pairdb.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.cli.Host;
import io.pairdb.cli.PairdbAdmin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs pairdb-admin in this JVM against plaintext fakes, with captured streams and no environment variables of the user's. */
final class BenchCli {

    private BenchCli() {
    }

    static Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exitCode;
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            // the fakes speak plaintext; PAIRDB_HOME is empty, never the user's ~/.pairdb
            String[] plaintext = java.util.stream.Stream.concat(java.util.stream.Stream.of(args),
                    java.util.stream.Stream.of("--plaintext")).toArray(String[]::new);
            exitCode = PairdbAdmin.run(new Host(new ByteArrayInputStream(new byte[0]), outStream, errStream,
                    Map.of(io.pairdb.cli.CommonOptions.HOME_VARIABLE, io.pairdb.cli.TestHome.EMPTY.toString())), plaintext);
        }
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String stdout, String stderr) {

        JsonNode json() {
            try {
                return new ObjectMapper().readTree(stdout);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON:\n" + this, e);
            }
        }

        String firstErrorLine() {
            return stderr.lines().findFirst().orElse("");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
