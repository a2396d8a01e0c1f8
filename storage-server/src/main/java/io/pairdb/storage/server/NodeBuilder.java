package io.pairdb.storage.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings every storage node takes, whatever keeps its data: its id, where it serves, the
 * clock and gc grace of its tombstones, its handler threads. A node's own builder extends it.
 *
 * @param <B> the node's builder, returned by every setter
 */
public abstract class NodeBuilder<B extends NodeBuilder<B>> {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_TOMBSTONE_GC_GRACE = Duration.ofDays(10);
    public static final Duration DEFAULT_TOMBSTONE_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** What the setters set, for the node that is built. */
    public record Common(Optional<String> nodeId, String host, int port, Optional<String> inProcessName, Clock clock,
                         Duration tombstoneGcGrace, Duration tombstoneSweepInterval, int handlerThreads,
                         Optional<NodeTls.Files> tls) {

        /** TCP on host and port (over TLS when set), or in process when a name is given. */
        public NodeServer.Transport transport() {
            return inProcessName.<NodeServer.Transport>map(NodeServer.Transport.InProcess::new)
                    .orElseGet(() -> new NodeServer.Transport.Tcp(host, port, tls));
        }
    }

    private String nodeId;
    private String host = DEFAULT_HOST;
    private int port;
    private String inProcessName;
    private Clock clock = Clock.systemUTC();
    private Duration tombstoneGcGrace = DEFAULT_TOMBSTONE_GC_GRACE;
    private Duration tombstoneSweepInterval = DEFAULT_TOMBSTONE_SWEEP_INTERVAL;
    private int handlerThreads;
    private NodeTls.Files tls;

    protected NodeBuilder(int defaultPort, int defaultHandlerThreads) {
        this.port = Settings.port(defaultPort);
        this.handlerThreads = Settings.positive(defaultHandlerThreads, "handlerThreads");
    }

    protected abstract B self();

    public B nodeId(String nodeId) {
        this.nodeId = Settings.nonBlank(nodeId, "nodeId");
        return self();
    }

    public B host(String host) {
        this.host = Settings.nonBlank(host, "host");
        return self();
    }

    /** 0 picks a free port. */
    public B port(int port) {
        this.port = Settings.port(port);
        return self();
    }

    /**
     * Serves over gRPC's in-process transport under this name instead of TCP: the same node,
     * without sockets (contract tests run both ways).
     */
    public B inProcess(String name) {
        this.inProcessName = Settings.nonBlank(name, "name");
        return self();
    }

    /** The clock tombstone ages are measured against; tests inject one they can move. */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    public B tombstoneGcGrace(Duration grace) {
        this.tombstoneGcGrace = Settings.notNegative(grace, "tombstoneGcGrace");
        return self();
    }

    public B tombstoneSweepInterval(Duration interval) {
        this.tombstoneSweepInterval = Settings.positive(interval, "tombstoneSweepInterval");
        return self();
    }

    /** Threads that run RPC handlers, so none runs on the Netty event loop. */
    public B handlerThreads(int threads) {
        this.handlerThreads = Settings.positive(threads, "handlerThreads");
        return self();
    }

    /** Serves TCP over TLS with these files (mutual TLS when they name a client CA); none by default. */
    public B tls(NodeTls.Files files) {
        this.tls = Objects.requireNonNull(files, "files");
        return self();
    }

    public Common common() {
        return new Common(Optional.ofNullable(nodeId), host, port, Optional.ofNullable(inProcessName), clock,
                tombstoneGcGrace, tombstoneSweepInterval, handlerThreads, Optional.ofNullable(tls));
    }
}
