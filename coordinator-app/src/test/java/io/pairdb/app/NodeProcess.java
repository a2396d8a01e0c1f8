package io.pairdb.app;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A storage node as its own OS process, which a test can kill, pause and continue like a real
 * node: the emulator ({@code pairdb-storage-emulator.jar}, see {@link EmulatorProcess}) or the
 * durable node ({@code pairdb-storage-node.jar}, see {@link #durable}). The jars are the ones the
 * reactor builds before this module's integration tests run.
 */
class NodeProcess implements AutoCloseable {
    static final Path DURABLE_JAR = Path.of("..", "storage-node", "target", "pairdb-storage-node.jar")
            .toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "node-logs").toAbsolutePath();

    final String nodeId;
    final int port;
    private final Path jar;
    private final List<String> arguments;
    private Process process;
    private ManagedChannel channel;

    NodeProcess(String nodeId, int port, Path jar, List<String> arguments) {
        this.nodeId = nodeId;
        this.port = port;
        this.jar = jar;
        this.arguments = List.copyOf(arguments);
    }

    /** A durable node keeping its data in {@code dataDirectory}; returns once it says it is ready. */
    static NodeProcess durable(String nodeId, int port, Path dataDirectory) {
        NodeProcess node = new NodeProcess(nodeId, port, DURABLE_JAR, List.of("--data-dir", dataDirectory.toString(),
                "--port", String.valueOf(port), "--node-id", nodeId, "--min-free-disk", "0"));
        node.launch();
        return node;
    }

    /** A new process with the same arguments, after the last one ended: an emulator comes back empty, a durable node with its data. */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(nodeId + " is still running");
        }
        launch();
    }

    /** SIGKILL: no shutdown hook, no graceful close of connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(nodeId + " survived SIGKILL");
        }
    }

    /** SIGSTOP: the process keeps its sockets and its data but does nothing until {@link #resume()}. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() {
        signal("CONT");
    }

    long pid() {
        return process.pid();
    }

    /** What the node itself holds for the key, bypassing the coordinator (and so read repair). */
    ReadResponse readDirectly(String tenant, String key) {
        return StorageNodeServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .read(ReadRequest.newBuilder().setTenantId(tenant).setKey(key).build());
    }

    private synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }
        return channel;
    }

    final void launch() {
        try {
            Files.createDirectories(LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with ./mvnw -B -q package -DskipTests");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a port the killed process held may take a moment to be free again
        for (int attempt = 1; ; attempt++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(LOGS.resolve(nodeId + ".log").toFile()));
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start storage node " + nodeId, e);
            }
            if (awaitReady()) {
                return;
            }
            if (attempt == 10) {
                throw new IllegalStateException("storage node " + nodeId + " did not start on port " + port
                        + "; see " + LOGS.resolve(nodeId + ".log"));
            }
        }
    }

    /** True once the process printed its ready line; false if it exited first (e.g. the port was still taken). */
    private boolean awaitReady() {
        Process started = process;
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains("ready")) {
                        // the nodes print nothing else to stdout (their logs go to stderr)
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return ready.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            started.destroyForcibly();
            throw new IllegalStateException("storage node " + nodeId + " printed no ready line within 60 s", e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (process != null && process.isAlive()) {
            signal("CONT");
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
