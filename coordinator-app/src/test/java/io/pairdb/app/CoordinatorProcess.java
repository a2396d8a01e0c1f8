package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The packaged coordinator ({@code target/pairdb-coordinator.jar}, built by {@code package},
 * which runs before failsafe) as a separate OS process, with its output collected line by line.
 * Used for what only a real process shows: signals, exit codes, stderr.
 */
final class CoordinatorProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "pairdb-coordinator.jar");
    private static Path copy;
    private static Path home;

    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private CoordinatorProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name(name + "-output").start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    output.add(line);
                    System.out.println("[" + name + "] " + line);
                }
            } catch (IOException e) {
                output.add("<output unreadable: " + e.getMessage() + ">");
            }
        });
    }

    /**
     * The environment of a coordinator process beside an in-process cluster: its PostgreSQL (at
     * {@code databaseUrl}, which may lead through a proxy) and Redis, on {@code grpcPort} and a free
     * management port.
     */
    static Map<String, String> beside(Map<String, Object> cluster, String databaseUrl, int grpcPort) {
        return Map.of(
                "DATABASE_URL", databaseUrl,
                "DATABASE_USER", cluster.get("datasources.default.username").toString(),
                "DATABASE_PASSWORD", cluster.get("datasources.default.password").toString(),
                "REDIS_URI", cluster.get("pairdb.redis.uri").toString(),
                "GRPC_SERVER_PORT", String.valueOf(grpcPort),
                "MICRONAUT_SERVER_PORT", String.valueOf(FreePorts.pick()));
    }

    /** Starts {@code java -jar pairdb-coordinator.jar args} with the JVM running the tests; stderr joins stdout. */
    static CoordinatorProcess start(String name, Map<String, String> environment, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // security is not what these tests are about (unless they say so): no authentication, and dev
        // mode's credentials, if any, in a directory of the test's, never in the user's ~/.pairdb
        builder.environment().put("PAIRDB_SECURITY_AUTHENTICATION", "off");
        builder.environment().put("PAIRDB_HOME", home().toString());
        builder.environment().putAll(environment);
        try {
            return new CoordinatorProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path home() {
        if (home == null) {
            try {
                home = Files.createTempDirectory("pairdb-home-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home;
    }

    /**
     * A private copy of the jar, taken once: another build of this module in the same checkout
     * may delete and rewrite target/ while these tests run.
     */
    private static synchronized Path jar() {
        if (copy == null) {
            assertThat(JAR).as("the shaded jar; run the tests with `verify`, after `package`").exists();
            try {
                Path file = Files.createTempFile("pairdb-coordinator-", ".jar");
                file.toFile().deleteOnExit();
                copy = Files.copy(JAR, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return copy;
    }

    List<String> output() {
        return List.copyOf(output);
    }

    boolean printed(String text) {
        return output.stream().anyMatch(line -> line.contains(text));
    }

    void awaitLine(String text, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> printed(text) || !process.isAlive());
        assertThat(printed(text)).as("%s printed '%s' (alive: %s)", name, text, process.isAlive()).isTrue();
    }

    /** SIGTERM on Linux. */
    void terminate() {
        process.toHandle().destroy();
    }

    int awaitExit(Duration atMost) throws InterruptedException {
        assertThat(process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)).as("%s exited within %s", name, atMost).isTrue();
        // the last lines may still be in the pipe
        reader.join(Duration.ofSeconds(5));
        return process.exitValue();
    }

    /** Kills the process (and what it started) if a test left it running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
