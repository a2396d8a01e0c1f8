package io.pairdb.storage.node;

import io.grpc.ManagedChannel;
import io.pairdb.storage.server.CallCounts;
import io.pairdb.storage.server.CallGate;
import io.pairdb.storage.server.NodeBuilder;
import io.pairdb.storage.server.NodeHealth;
import io.pairdb.storage.server.NodeServer;
import io.pairdb.storage.server.RunningNode;
import io.pairdb.storage.server.Settings;
import io.pairdb.storage.server.StorageNodeEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable storage node: {@code pairdb.storage.v1.StorageNodeService} over RocksDB in a data
 * directory, the standard gRPC health service and server reflection. Embeddable (dev mode, tests)
 * and runnable ({@link StorageNodeMain}).
 *
 * <pre>{@code
 * try (DurableStorageNode node = DurableStorageNode.builder().dataDirectory(dir).nodeId("node-1").start()) {
 *     ... "127.0.0.1:" + node.port() ...
 * }
 * }</pre>
 */
public final class DurableStorageNode implements RunningNode {

    private static final Logger log = LoggerFactory.getLogger(DurableStorageNode.class);

    public static final String DEFAULT_HOST = NodeBuilder.DEFAULT_HOST;
    public static final int DEFAULT_PORT = 7000;
    public static final Duration DEFAULT_TOMBSTONE_GC_GRACE = NodeBuilder.DEFAULT_TOMBSTONE_GC_GRACE;
    public static final SyncPolicy DEFAULT_SYNC_POLICY = SyncPolicy.PERIODIC;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;
    public static final long DEFAULT_MIN_FREE_DISK_BYTES = 1L << 30;
    public static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** How long {@link #stop()} lets in-flight calls finish before cancelling them. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final String host;
    private final String nodeId;
    private final Clock clock;
    private final Duration tombstoneGcGrace;
    private final DataDirectory directory;
    private final DiskWatch disk;
    private final RocksDbEngine engine;
    private final BackgroundTasks background;
    private final NodeServer server;
    private final CallCounts stats = new CallCounts();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private DurableStorageNode(Builder builder) throws IOException {
        Objects.requireNonNull(builder.dataDirectory, "the data directory is required");
        NodeBuilder.Common settings = builder.common();
        this.host = settings.host();
        this.clock = settings.clock();
        this.tombstoneGcGrace = settings.tombstoneGcGrace();
        this.directory = DataDirectory.inspect(builder.dataDirectory, settings.nodeId());
        this.nodeId = directory.nodeId();
        if (directory.fresh()) {
            directory.createDatabaseDirectory();
        }
        this.disk = new DiskWatch(directory.root(), builder.minFreeDiskBytes);
        disk.refresh();
        this.engine = openEngine(builder);
        if (directory.fresh()) {
            try {
                directory.sealFresh();
            } catch (RuntimeException e) {
                try {
                    engine.close(); // or the database stays locked for a retry in this process
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        this.background = new BackgroundTasks("pairdb-storage-node-",
                (what, e) -> log.error("storage node {}: {} failed", nodeId, what, e));
        try {
            this.server = NodeServer.start(settings.transport(),
                    NodeServer.handlerPool("pairdb-storage-rpc-", settings.handlerThreads()),
                    List.of(new StorageNodeEndpoint(engine, this::health, stats, CallGate.direct())));
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        background.every(settings.tombstoneSweepInterval(), "tombstone sweep", this::sweepTombstones);
        background.every(builder.diskCheckInterval, "disk check", disk::refresh);
        if (builder.syncPolicy == SyncPolicy.PERIODIC) {
            background.every(builder.syncInterval, "WAL sync", engine::syncWal);
        }
        log.info("storage node {} serving {} on {} (sync {}, gc grace {})", nodeId, directory.root(), target(),
                builder.syncPolicy.name().toLowerCase(), tombstoneGcGrace);
    }

    private RocksDbEngine openEngine(Builder builder) {
        try {
            return RocksDbEngine.open(directory.database(), directory.fresh(),
                    new RocksDbEngine.Settings(builder.syncPolicy, builder.cacheBytes), disk::refusal);
        } catch (RocksDBException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new DataDirectoryException(directory + " is in use by another storage node process (" + message
                        + ")", e);
            }
            throw new DataDirectoryException(directory + ": the database cannot be opened, it is damaged or not "
                    + "RocksDB's (" + message + ")", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String host() {
        return host;
    }

    /** The port bound; -1 in process. */
    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String target() {
        return server.target();
    }

    /** A new channel to this node (TCP or in process); the caller shuts it down. */
    public ManagedChannel newChannel() {
        return server.newChannel();
    }

    public Path dataDirectory() {
        return directory.root();
    }

    /** Counts of the storage calls served. */
    public CallCounts stats() {
        return stats;
    }

    /** Purges tombstones older than the gc grace by the node's clock, as the periodic sweep does; returns how many went. */
    public int purgeExpiredTombstones() {
        return engine.purgeTombstonesOlderThan(clock.millis() - tombstoneGcGrace.toMillis());
    }

    /**
     * Stops gracefully: refuses new calls, lets in-flight ones finish for up to {@link #SHUTDOWN_GRACE}
     * (then cancels them), stops the background tasks, syncs the log and closes the database. Returns
     * when all of that is done. Calling it again does nothing.
     *
     * <p>A range delete or tombstone purge under way ends at once (the coordinator deletes the range
     * again later; the purge goes on at the next start). A handler or background task still running
     * after the grace (a call stuck in a disk) still uses the database, and closing it under them
     * would free what they are reading: the log is synced and the database closed as soon as they
     * end, by then in the background; a process that exits first recovers from the log at its next
     * start, as after a crash.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        engine.stopBulkWork();
        boolean handlersDone = server.stop(SHUTDOWN_GRACE);
        boolean tasksDone = false;
        try {
            tasksDone = background.stop(SHUTDOWN_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handlersDone && tasksDone) {
            engine.close();
            log.info("storage node {} stopped; {} closed cleanly", nodeId, directory.root());
            return;
        }
        engine.syncWal();
        log.warn("storage node {} stopped with {} still running after {}: its log is synced, and the database"
                + " is closed once it ends", nodeId, handlersDone ? "a background task" : "a call's handler",
                SHUTDOWN_GRACE);
        Thread.ofPlatform().daemon(true).name("pairdb-storage-node-close").start(() -> {
            try {
                server.awaitHandlers();
                background.stop(Duration.ofDays(1));
                engine.close();
                log.info("storage node {}: {} closed cleanly, late", nodeId, directory.root());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Blocks until the server has terminated, e.g. after {@link #stop()} from another thread. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    private NodeHealth health() {
        return new NodeHealth(nodeId, engine.keyCount(), tombstoneGcGrace, disk.bytesOnDisk(),
                disk.refusal().map(Throwable::getMessage), directory.dataId());
    }

    private void sweepTombstones() {
        int purged = purgeExpiredTombstones();
        if (purged > 0) {
            log.debug("storage node {} purged {} expired tombstones", nodeId, purged);
        }
    }

    /** The common node settings (port {@value #DEFAULT_PORT} by default), a data directory, and RocksDB's. */
    public static final class Builder extends NodeBuilder<Builder> {
        private Path dataDirectory;
        private SyncPolicy syncPolicy = DEFAULT_SYNC_POLICY;
        private Duration syncInterval = DEFAULT_SYNC_INTERVAL;
        private long cacheBytes = DEFAULT_CACHE_BYTES;
        private long minFreeDiskBytes = DEFAULT_MIN_FREE_DISK_BYTES;
        private Duration diskCheckInterval = DISK_CHECK_INTERVAL;

        private Builder() {
            super(DEFAULT_PORT, Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Required: where the node keeps its data (created when new). The node id, required for a new
         * directory, must otherwise match the one the directory was created for; by default it is that one. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
            return this;
        }

        public Builder syncPolicy(SyncPolicy policy) {
            this.syncPolicy = Objects.requireNonNull(policy, "syncPolicy");
            return this;
        }

        /** How often the log is synced under {@link SyncPolicy#PERIODIC}. */
        public Builder syncInterval(Duration interval) {
            this.syncInterval = Settings.positive(interval, "syncInterval");
            return this;
        }

        /** RocksDB's block cache. */
        public Builder cacheBytes(long bytes) {
            this.cacheBytes = Settings.notNegative(bytes, "cacheBytes");
            return this;
        }

        /** Below this much free space on the data directory's file system, writes are refused. */
        public Builder minFreeDiskBytes(long bytes) {
            this.minFreeDiskBytes = Settings.notNegative(bytes, "minFreeDiskBytes");
            return this;
        }

        public Builder diskCheckInterval(Duration interval) {
            this.diskCheckInterval = Settings.positive(interval, "diskCheckInterval");
            return this;
        }

        /**
         * @throws DataDirectoryException when the data directory is not this node's, is damaged or in use
         * @throws IOException when the port cannot be bound
         */
        public DurableStorageNode start() throws IOException {
            return new DurableStorageNode(this);
        }
    }
}
