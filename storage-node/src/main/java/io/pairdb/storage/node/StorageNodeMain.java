package io.pairdb.storage.node;

import io.pairdb.storage.server.DurationConverter;
import io.pairdb.storage.server.StopSignals;
import io.pairdb.storage.server.TlsOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar pairdb-storage-node.jar --data-dir DIR [--node-id ID] [--port 7000] ...}.
 *
 * <p>Prints one line containing {@code ready} to stdout once it serves (logs go to stderr). Stops
 * gracefully (closing the database cleanly) and exits 0 on SIGTERM or SIGINT. A setting that cannot
 * be used exits 2, and a data directory that cannot be used (another node's, damaged, in use) or a
 * port in use exits 1, each with one line on stderr saying why.
 */
@Command(name = "pairdb-storage-node", mixinStandardHelpOptions = true, version = "pairdb-storage-node 0.1.0",
        sortOptions = false,
        description = "A durable PairDB storage node: the storage contract over RocksDB, in a data directory.")
public final class StorageNodeMain implements Callable<Integer> {

    private static final String LOGBACK_CONFIG_PROPERTY = "logback.configurationFile";

    @Spec
    private CommandSpec spec;

    @Mixin
    private TlsOptions tls;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true,
            description = "Where the node keeps its data; created when new. A directory of another node or of "
                    + "something else is refused.")
    private Path dataDir;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "The node's id, as registered with the coordinators (pairdb-admin node add ID ...). Required "
                    + "for a new data directory; otherwise it must match the directory's (default: the directory's).")
    private String nodeId;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = DurableStorageNode.DEFAULT_HOST,
            description = "Address to bind, 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String host;

    private int port = DurableStorageNode.DEFAULT_PORT;

    @Option(names = "--sync", paramLabel = "POLICY", defaultValue = "periodic", converter = SyncPolicyConverter.class,
            description = "When the write-ahead log is fsynced: always (before each acknowledgement), periodic "
                    + "(every --sync-interval) or none. Acknowledged writes survive a killed process with any of them; "
                    + "the policy decides what a power loss may take (default: ${DEFAULT-VALUE}).")
    private SyncPolicy sync;

    @Option(names = "--sync-interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often the log is fsynced with --sync periodic (default: ${DEFAULT-VALUE}).")
    private Duration syncInterval;

    private long cacheBytes = DurableStorageNode.DEFAULT_CACHE_BYTES;
    private long minFreeDiskBytes = DurableStorageNode.DEFAULT_MIN_FREE_DISK_BYTES;

    @Option(names = "--tombstone-gc-grace", paramLabel = "DURATION", defaultValue = "10d",
            converter = DurationConverter.class,
            description = "Age after which tombstones are purged; keep it above the interval of anti-entropy repair "
                    + "and the hint TTL (default: ${DEFAULT-VALUE}).")
    private Duration tombstoneGcGrace;

    @Option(names = "--tombstone-sweep-interval", paramLabel = "DURATION", defaultValue = "1m",
            converter = DurationConverter.class,
            description = "How often expired tombstones are purged (default: ${DEFAULT-VALUE}).")
    private Duration tombstoneSweepInterval;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean handleProcessSignals;

    public static void main(String[] args) {
        // Before the first logger exists: the bundled config logs to stderr, keeping stdout for the ready line.
        if (System.getProperty(LOGBACK_CONFIG_PROPERTY) == null) {
            System.setProperty(LOGBACK_CONFIG_PROPERTY, "io/pairdb/storage/node/storage-node-logback.xml");
        }
        StorageNodeMain command = new StorageNodeMain();
        command.handleProcessSignals = true;
        System.exit(commandLine(command).execute(args));
    }

    /** The command line, with bad settings answered by one line and exit code 2. */
    static CommandLine commandLine(StorageNodeMain command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("pairdb-storage-node: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return commandLine;
    }

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on; 0 picks a free one (default: 7000).")
    void setPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be within 0..65535, not " + port);
        }
        this.port = port;
    }

    @Option(names = "--cache-size", paramLabel = "SIZE",
            description = "RocksDB's block cache, e.g. 256MiB or 2GiB (default: 256MiB).")
    void setCacheSize(String size) {
        this.cacheBytes = size(size, "--cache-size");
    }

    @Option(names = "--min-free-disk", paramLabel = "SIZE",
            description = "With less free space than this on the data directory's file system, writes are refused "
                    + "(RESOURCE_EXHAUSTED, DISK_FULL) while reads go on (default: 1GiB).")
    void setMinFreeDisk(String size) {
        this.minFreeDiskBytes = size(size, "--min-free-disk");
    }

    @Override
    public Integer call() throws InterruptedException {
        if (syncInterval.isZero() || tombstoneSweepInterval.isZero()) {
            spec.commandLine().getErr().println("pairdb-storage-node: --sync-interval and --tombstone-sweep-interval "
                    + "must be positive (see --help)");
            return 2;
        }
        DurableStorageNode.Builder builder = DurableStorageNode.builder()
                .dataDirectory(dataDir)
                .host(host)
                .port(port)
                .syncPolicy(sync)
                .syncInterval(syncInterval)
                .cacheBytes(cacheBytes)
                .minFreeDiskBytes(minFreeDiskBytes)
                .tombstoneGcGrace(tombstoneGcGrace)
                .tombstoneSweepInterval(tombstoneSweepInterval);
        tls.files(spec.commandLine()).ifPresent(builder::tls);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        DurableStorageNode node;
        try {
            node = builder.start();
        } catch (DataDirectoryException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("pairdb-storage-node: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            spec.commandLine().getErr().printf("pairdb-storage-node: cannot listen on %s:%d: %s%n", host, port,
                    e.getMessage());
            return 1;
        }
        try (node) {
            if (handleProcessSignals) {
                installStopHandlers();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("pairdb storage node %s ready on %s (data in %s)%n", node.nodeId(), node.target(), dataDir);
            out.flush();
            stopRequested.await();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** Asks a running {@link #call()} to stop the node and return 0. */
    void requestStop() {
        stopRequested.countDown();
    }

    private long size(String text, String option) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private void installStopHandlers() {
        StopSignals.install("pairdb-storage-node", this::requestStop, stopped, DurableStorageNode.SHUTDOWN_GRACE.multipliedBy(5));
    }

    /** {@code always}, {@code periodic} or {@code none}, in any case. */
    static final class SyncPolicyConverter implements CommandLine.ITypeConverter<SyncPolicy> {
        @Override
        public SyncPolicy convert(String text) {
            try {
                return SyncPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a sync policy: always, periodic or none");
            }
        }
    }
}
