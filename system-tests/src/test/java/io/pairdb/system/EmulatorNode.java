package io.pairdb.system;

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

/** An emulator storage node as its own process ({@code pairdb-storage-emulator.jar}); stderr goes to target/emulator-logs. */
public final class EmulatorNode implements AutoCloseable {
    private static final Path LOGS = Path.of("target", "emulator-logs").toAbsolutePath();

    private final String nodeId;
    private final int port;
    private final Process process;

    private EmulatorNode(String nodeId, int port, Process process) {
        this.nodeId = nodeId;
        this.port = port;
        this.process = process;
    }

    /** @param options more command-line options of the emulator, such as {@code --tls-cert FILE} */
    static EmulatorNode start(String nodeId, int port, List<String> options) {
        try {
            Files.createDirectories(LOGS);
            List<String> command = new ArrayList<>(List.of(BuiltJars.java(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", BuiltJars.copyOf(BuiltJars.EMULATOR).toString(), "--port",
                    String.valueOf(port), "--node-id", nodeId));
            command.addAll(options);
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(LOGS.resolve(nodeId + ".log").toFile()))
                    .start();
            EmulatorNode node = new EmulatorNode(nodeId, port, process);
            if (!node.awaitReady()) {
                node.close();
                throw new IllegalStateException("emulator " + nodeId + " did not start on port " + port + "; see "
                        + LOGS.resolve(nodeId + ".log"));
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public int port() {
        return port;
    }

    /** True once the process printed its ready line; false if it exited or stayed silent for a minute. */
    private boolean awaitReady() {
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains("ready")) {
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
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
