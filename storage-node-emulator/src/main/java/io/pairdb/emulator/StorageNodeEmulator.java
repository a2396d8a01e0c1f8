package io.pairdb.emulator;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
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
public final class StorageNodeEmulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StorageNodeEmulator.class);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_TOMBSTONE_GC_GRACE = Duration.ofDays(10);
    public static final Duration DEFAULT_TOMBSTONE_SWEEP_INTERVAL = Duration.ofMinutes(1);
    /** How long {@link #stop()} lets in-flight calls finish before cancelling them. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final String host;
    private final Clock clock;
    private final Duration tombstoneGcGrace;
    private final InMemoryStore store = new InMemoryStore();
    private final EmulatorStats stats = new EmulatorStats();
    private final HealthStatusManager health = new HealthStatusManager();
    private final FaultHooks faults = new FaultHooks(this::reportAvailability);
    private final ExecutorService handlers;
    private final ScheduledExecutorService timer;
    private final Server server;
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Volatile, not final: with port 0 the default id names the port, known only after binding.
    private volatile String nodeId;

    private StorageNodeEmulator(Builder builder) throws IOException {
        this.host = builder.host;
        this.clock = builder.clock;
        this.tombstoneGcGrace = builder.tombstoneGcGrace;
        this.nodeId = builder.nodeId != null ? builder.nodeId : defaultNodeId(builder.port);
        this.handlers = handlerPool(builder.handlerThreads);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pairdb-emulator-timer").daemon(true).factory());
        FaultGate gate = new FaultGate(faults, timer, handlers);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(builder.host, builder.port))
                .executor(handlers)
                .addService(new StorageNodeEndpoint(this::nodeId, store, stats, gate, faults, tombstoneGcGrace))
                .addService(new EmulatorControlEndpoint(store, faults, stats))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            timer.shutdownNow();
            handlers.shutdownNow();
            throw e;
        }
        if (nodeId == null) {
            nodeId = defaultNodeId(server.getPort());
        }
        reportAvailability(true);
        timer.scheduleWithFixedDelay(this::sweepTombstones,
                builder.tombstoneSweepInterval.toNanos(), builder.tombstoneSweepInterval.toNanos(),
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

    public String nodeId() {
        return nodeId;
    }

    public String host() {
        return host;
    }

    /** The port actually bound (useful when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /** {@code host:port} ({@code [host]:port} for an IPv6 literal), for a channel builder. */
    public String target() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public FaultHooks faults() {
        return faults;
    }

    public InMemoryStore store() {
        return store;
    }

    public EmulatorStats stats() {
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
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("storage emulator {}: calls still running after {}, cancelling them", nodeId, SHUTDOWN_GRACE);
                server.shutdownNow();
                server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            // Timer first: delayed calls still waiting are dropped rather than handed to the pool.
            timer.shutdownNow();
            handlers.shutdown();
        }
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
        return server.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A fixed pool with an unbounded queue, so it rejects tasks only once stopped. gRPC may still
     * hand it a stream's close bookkeeping after the server reports termination; that runs on the
     * caller's thread rather than failing with a rejection.
     */
    private static ExecutorService handlerPool(int threads) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("pairdb-emulator-rpc-", 0).daemon(true).factory(),
                (lateTask, stoppedPool) -> lateTask.run());
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
        ServingStatus status = available ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(StorageNodeServiceGrpc.SERVICE_NAME, status);
    }

    private static String defaultNodeId(int port) {
        return port == 0 ? null : "emulator-" + port;
    }

    public static final class Builder {
        private String nodeId;
        private String host = DEFAULT_HOST;
        private int port;
        private Clock clock = Clock.systemUTC();
        private Duration tombstoneGcGrace = DEFAULT_TOMBSTONE_GC_GRACE;
        private Duration tombstoneSweepInterval = DEFAULT_TOMBSTONE_SWEEP_INTERVAL;
        private int handlerThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /** Default: {@code emulator-<port>}, with the port actually bound. */
        public Builder nodeId(String nodeId) {
            this.nodeId = requireNonBlank(nodeId, "nodeId");
            return this;
        }

        public Builder host(String host) {
            this.host = requireNonBlank(host, "host");
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be within 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The clock tombstone ages are measured against; tests inject one they can move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder tombstoneGcGrace(Duration grace) {
            this.tombstoneGcGrace = requireNotNegative(grace, "tombstoneGcGrace");
            return this;
        }

        public Builder tombstoneSweepInterval(Duration interval) {
            Objects.requireNonNull(interval, "tombstoneSweepInterval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("tombstoneSweepInterval must be positive: " + interval);
            }
            this.tombstoneSweepInterval = interval;
            return this;
        }

        /** Threads that run RPC handlers, so none runs on the Netty event loop. */
        public Builder handlerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("handlerThreads must be positive: " + threads);
            }
            this.handlerThreads = threads;
            return this;
        }

        public StorageNodeEmulator start() throws IOException {
            return new StorageNodeEmulator(this);
        }

        private static String requireNonBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration requireNotNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
