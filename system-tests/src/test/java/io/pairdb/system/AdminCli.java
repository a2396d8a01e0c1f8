package io.pairdb.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code pairdb-admin.jar} run as an operator runs it: a separate JVM, stdin closed
 * and stdout/stderr not terminals (so questions are refused without {@code --yes} and
 * {@code --watch} prints plain lines), {@code --addr} pointing at the cluster's coordinator, and
 * {@code PAIRDB_HOME} the directory where the cluster's dev mode left its CA and admin token
 * (never the user's {@code ~/.pairdb}).
 */
public final class AdminCli {
    private static final Duration DEFAULT_LIMIT = Duration.ofMinutes(3);

    private final String address;
    private final Path home;
    private final Map<String, String> environment;

    AdminCli(String address, Path home) {
        this(address, home, Map.of());
    }

    private AdminCli(String address, Path home, Map<String, String> environment) {
        this.address = address;
        this.home = home;
        this.environment = Map.copyOf(environment);
    }

    /** The same CLI with {@code PAIRDB_HOME} elsewhere (an empty directory: no dev credentials). */
    public AdminCli withHome(Path otherHome) {
        return new AdminCli(address, otherHome, environment);
    }

    /** The same CLI with an environment variable set. */
    public AdminCli withVariable(String name, String value) {
        Map<String, String> more = new HashMap<>(environment);
        more.put(name, value);
        return new AdminCli(address, home, more);
    }

    /** An exit code with what the process printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + this, e);
            }
        }

        public JsonNode yaml() {
            try {
                return new YAMLMapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not YAML: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** {@code pairdb-admin ARGS --addr <the coordinator>}, waiting at most three minutes. */
    public Result run(String... args) {
        List<String> withAddress = new ArrayList<>(List.of(args));
        withAddress.addAll(List.of("--addr", address));
        return run(DEFAULT_LIMIT, home, environment, withAddress.toArray(String[]::new));
    }

    /** {@code pairdb-admin ARGS} exactly as given (e.g. with another {@code --addr}), with no credentials. */
    public static Result runAsIs(Duration limit, String... args) {
        try {
            return run(limit, Files.createTempDirectory("pairdb-admin-home-"), Map.of(), args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result run(Duration limit, Path home, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(BuiltJars.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--sun-misc-unsafe-memory-access=allow", "-jar", BuiltJars.copyOf(BuiltJars.ADMIN).toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("pairdb-admin-", ".out");
            Path err = Files.createTempFile("pairdb-admin-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().remove("PAIRDB_TOKEN");
                builder.environment().remove("PAIRDB_ADDR");
                builder.environment().put("PAIRDB_HOME", home.toString());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("pairdb-admin " + String.join(" ", args) + " did not end within " + limit
                            + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
