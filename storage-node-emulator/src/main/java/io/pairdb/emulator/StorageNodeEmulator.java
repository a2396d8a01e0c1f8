package io.pairdb.emulator;

import io.pairdb.storage.server.CallCounts;
import io.pairdb.storage.server.NodeBuilder;
import io.pairdb.storage.server.NodeHealth;
import io.pairdb.storage.server.NodeServer;
import io.pairdb.storage.server.RunningNode;
import io.pairdb.storage.server.StorageNodeEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory storage node serving {@code pairdb.storage.v1.StorageNodeService}, the
 * {@code pairdb.emulator.v1.EmulatorControl} fault hooks, the standard gRPC health service and
 * server reflection. Embeddable (tests, dev mode, benchmarks) and runnable ({@link EmulatorMain}).
 *
 * <pre>{@code
 * try (StorageNodeEmulator node = StorageNodeEmulator.start("node-a", 0)) {
 *     channel = ... "127.0.0.1:" + node.port() ...
 *     node.faults().setUnavailable(true);
 * }
 * }</pre>
 */
public final class StorageNodeEmulator implements RunningNode {

    private static final Logger log = LoggerFactory.getLogger(StorageNodeEmulator.class);

    public static final String DEFAULT_HOST = NodeBuilder.DEFAULT_HOST;
    public static final Duration DEFAULT_TOMBSTONE_GC_GRACE = NodeBuilder.DEFAULT_TOMBSTONE_GC_GRACE;
    public static final Duration DEFAULT_TOMBSTONE_SWEEP_INTERVAL = NodeBuilder.DEFAULT_TOMBSTONE_SWEEP_INTERVAL;
    /** How long {@link #stop()} lets in-flight calls finish before cancelling them. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final String host;
    private final Clock clock;
    private final Duration tombstoneGcGrace;
    private final InMemoryStore store = new InMemoryStore();
    private final CallCounts stats = new CallCounts();
    private final FaultHooks faults = new FaultHooks(this::reportAvailability);
    private final ScheduledExecutorService timer;
    private final NodeServer server;
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Volatile, not final: with port 0 the default id names the port, known only after binding.
    private volatile String nodeId;

    private StorageNodeEmulator(Builder builder) throws IOException {
        NodeBuilder.Common settings = builder.common();
        this.host = settings.host();
        this.clock = settings.clock();
        this.tombstoneGcGrace = settings.tombstoneGcGrace();
        this.nodeId = settings.nodeId().orElseGet(() -> defaultNodeId(settings.port()));
        ExecutorService handlers = NodeServer.handlerPool("pairdb-emulator-rpc-", settings.handlerThreads());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pairdb-emulator-timer").daemon(true).factory());
        FaultGate gate = new FaultGate(faults, timer, handlers);
        try {
            this.server = NodeServer.start(settings.transport(), handlers, List.of(
                    new StorageNodeEndpoint(store, this::health, stats, gate),
                    new EmulatorControlEndpoint(store, faults, stats)));
        } catch (IOException | RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
        if (nodeId == null) {
            nodeId = defaultNodeId(server.port());
        }
        timer.scheduleWithFixedDelay(this::sweepTombstones,
                settings.tombstoneSweepInterval().toNanos(), settings.tombstoneSweepInterval().toNanos(),
                TimeUnit.NANOSECONDS);
        log.info("storage emulator {} listening on {}:{}", nodeId, host, port());
    }

    /** Starts a node on 127.0.0.1; port 0 picks a free port. */
    public static StorageNodeEmulator start(String nodeId, int port) throws IOException {
        return builder().nodeId(nodeId).port(port).start();
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

    /** The port actually bound (useful when started with port 0); -1 in process. */
    @Override
    public int port() {
        return server.port();
    }

    /** {@code host:port} ({@code [host]:port} for an IPv6 literal), or {@code in-process:NAME}. */
    @Override
    public String target() {
        return server.target();
    }

    /** A new channel to this node (TCP or in process); the caller shuts it down. */
    public io.grpc.ManagedChannel newChannel() {
        return server.newChannel();
    }

    public FaultHooks faults() {
        return faults;
    }

    public InMemoryStore store() {
        return store;
    }

    public CallCounts stats() {
        return stats;
    }

    /**
     * Purges tombstones older than the gc grace by the emulator's clock, as the periodic sweep
     * does; returns how many went.
     */
    public int purgeExpiredTombstones() {
        return store.purgeTombstonesOlderThan(clock.millis() - tombstoneGcGrace.toMillis());
    }

    /** Purges every tombstone now, whatever its age, as if the gc grace had passed; returns how many went. */
    public int purgeAllTombstones() {
        return store.purgeTombstonesOlderThan(Long.MAX_VALUE);
    }

    /**
     * Stops gracefully: refuses new calls, lets in-flight ones finish for up to
     * {@link #SHUTDOWN_GRACE}, then cancels the rest. Returns when the server is down.
     * Calling it again does nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // Timer first: delayed calls still waiting are dropped rather than handed to the pool.
        timer.shutdownNow();
        server.stop(SHUTDOWN_GRACE);
        log.info("storage emulator {} stopped", nodeId);
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

    /** @return whether the server terminated within the timeout */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return server.awaitTermination(timeout);
    }

    private void sweepTombstones() {
        // An exception escaping a periodic task would silently cancel every later sweep.
        try {
            int purged = purgeExpiredTombstones();
            if (purged > 0) {
                log.debug("storage emulator {} purged {} expired tombstones", nodeId, purged);
            }
        } catch (RuntimeException e) {
            log.error("storage emulator {}: tombstone sweep failed", nodeId, e);
        }
    }

    private void reportAvailability(boolean available) {
        server.reportServing(available);
    }

    private NodeHealth health() {
        return new NodeHealth(nodeId, store.keyCount(), tombstoneGcGrace, 0, Optional.empty(), store.dataId());
    }

    private static String defaultNodeId(int port) {
        return port == 0 ? null : "emulator-" + port;
    }

    /** The common node settings; the node id defaults to {@code emulator-<port>}, with the port actually bound. */
    public static final class Builder extends NodeBuilder<Builder> {

        private Builder() {
            super(0, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        }

        @Override
        protected Builder self() {
            return this;
        }

        public StorageNodeEmulator start() throws IOException {
            return new StorageNodeEmulator(this);
        }
    }
}
