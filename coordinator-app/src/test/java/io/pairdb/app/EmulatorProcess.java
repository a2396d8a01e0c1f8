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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An emulator storage node as its own OS process ({@code pairdb-storage-emulator.jar}), which a
 * test can kill, pause and continue like a real node. The jar is the one the reactor builds
 * before this module's integration tests run.
 */
final class EmulatorProcess implements AutoCloseable {
    static final Path JAR = Path.of("..", "storage-node-emulator", "target", "pairdb-storage-emulator.jar")
            .toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "emulator-logs").toAbsolutePath();

    final String nodeId;
    final int port;
    private Process process;
    private ManagedChannel channel;

    private EmulatorProcess(String nodeId, int port) {
        this.nodeId = nodeId;
        this.port = port;
    }

    /** Starts the node and returns once it says it is ready. */
    static EmulatorProcess start(String nodeId, int port) {
        EmulatorProcess node = new EmulatorProcess(nodeId, port);
        node.launch();
        return node;
    }

    /** A fresh process on the same port: the node is back, with nothing stored. */
    void restartEmpty() {
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

    private void launch() {
        try {
            Files.createDirectories(LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it first with "
                    + "./mvnw -B -q -pl storage-node-emulator package -DskipTests");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a port the killed process held may take a moment to be free again
        for (int attempt = 1; ; attempt++) {
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "--port", String.valueOf(port), "--node-id", nodeId))
                    .redirectError(ProcessBuilder.Redirect.appendTo(LOGS.resolve(nodeId + ".log").toFile()));
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start emulator " + nodeId, e);
            }
            if (awaitReady()) {
                return;
            }
            if (attempt == 10) {
                throw new IllegalStateException("emulator " + nodeId + " did not start on port " + port
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
                        // the emulator prints nothing else to stdout (its logs go to stderr)
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
            throw new IllegalStateException("emulator " + nodeId + " printed no ready line within 60 s", e);
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
