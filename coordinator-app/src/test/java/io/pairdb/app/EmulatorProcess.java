package io.pairdb.app;

import java.nio.file.Path;
import java.util.List;

/** An emulator storage node as its own OS process ({@code pairdb-storage-emulator.jar}). */
final class EmulatorProcess extends NodeProcess {
    static final Path JAR = Path.of("..", "storage-node-emulator", "target", "pairdb-storage-emulator.jar")
            .toAbsolutePath().normalize();

    private EmulatorProcess(String nodeId, int port) {
        super(nodeId, port, JAR, List.of("--port", String.valueOf(port), "--node-id", nodeId));
    }

    /** Starts the node and returns once it says it is ready. */
    static EmulatorProcess start(String nodeId, int port) {
        EmulatorProcess node = new EmulatorProcess(nodeId, port);
        node.launch();
        return node;
    }

    /** A fresh process on the same port: the node is back, with nothing stored. */
    void restartEmpty() {
        restart();
    }
}
