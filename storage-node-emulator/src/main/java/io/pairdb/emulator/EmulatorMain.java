package io.pairdb.emulator;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.pairdb.storage.server.DurationConverter;
import io.pairdb.storage.server.StopSignals;
import io.pairdb.storage.server.TlsOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar pairdb-storage-emulator.jar --port N [--node-id ID] [--host H] [--tombstone-gc-grace 10d]
 * [--tls-cert F --tls-key F [--tls-client-ca F]]}.
 *
 * <p>Prints one line containing {@code ready} and the port to stdout once it serves (logs go to
 * stderr), so a script or test can wait for it. Stops gracefully and exits 0 on SIGTERM or
 * SIGINT; bad arguments print the usage and exit 2.
 */
@Command(name = "pairdb-storage-emulator", mixinStandardHelpOptions = true,
        description = "An in-memory PairDB storage node with fault hooks, for dev mode, tests and benchmarks.")
public final class EmulatorMain implements Callable<Integer> {

    private static final String LOGBACK_CONFIG_PROPERTY = "logback.configurationFile";

    @Spec
    private CommandSpec spec;

    @Mixin
    private TlsOptions tls;

    private int port;

    @Option(names = "--node-id", paramLabel = "ID", description = "Node id reported by Health (default: emulator-<port>).")
    private String nodeId;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = StorageNodeEmulator.DEFAULT_HOST,
            description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--tombstone-gc-grace", paramLabel = "DURATION", defaultValue = "10d",
            converter = DurationConverter.class,
            description = "Age after which tombstones are purged, e.g. 10d, 12h, 30m, 45s, 500ms or PT1H (default: ${DEFAULT-VALUE}).")
    private Duration tombstoneGcGrace;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean handleProcessSignals;

    public static void main(String[] args) {
        // Before the first logger exists: the bundled config logs to stderr, keeping stdout for the ready line.
        if (System.getProperty(LOGBACK_CONFIG_PROPERTY) == null) {
            System.setProperty(LOGBACK_CONFIG_PROPERTY, "io/pairdb/emulator/emulator-logback.xml");
        }
        EmulatorMain command = new EmulatorMain();
        command.handleProcessSignals = true;
        System.exit(new CommandLine(command).execute(args));
    }

    @Option(names = "--port", paramLabel = "PORT", required = true, description = "Port to listen on; 0 picks a free one.")
    void setPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be within 0..65535, not " + port);
        }
        this.port = port;
    }

    @Override
    public Integer call() throws InterruptedException {
        StorageNodeEmulator.Builder builder = StorageNodeEmulator.builder()
                .host(host)
                .port(port)
                .tombstoneGcGrace(tombstoneGcGrace);
        tls.files(spec.commandLine()).ifPresent(builder::tls);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        StorageNodeEmulator emulator;
        try {
            emulator = builder.start();
        } catch (IOException e) {
            spec.commandLine().getErr().printf("cannot listen on %s:%d: %s%n", host, port, e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("pairdb-storage-emulator: " + e.getMessage());
            return 1;
        }
        try (emulator) {
            if (handleProcessSignals) {
                installStopHandlers();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("pairdb storage emulator %s ready on %s%n", emulator.nodeId(), emulator.target());
            out.flush();
            stopRequested.await();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** Asks a running {@link #call()} to stop the emulator and return 0. */
    void requestStop() {
        stopRequested.countDown();
    }

    private void installStopHandlers() {
        StopSignals.install("pairdb-emulator", this::requestStop, stopped, StorageNodeEmulator.SHUTDOWN_GRACE.multipliedBy(2));
    }
}
