package io.pairdb.storage.server;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of a storage node: its services, the standard health service and server
 * reflection, on TCP or in process, with handlers on a pool of their own (never on the event
 * loop: a handler may block on a disk).
 */
public final class NodeServer {

    private static final Logger log = LoggerFactory.getLogger(NodeServer.class);

    /** Where a node listens. */
    public sealed interface Transport {
        /** TCP on {@code host}, over TLS when {@code tls} is given; port 0 picks a free one. */
        record Tcp(String host, int port, Optional<NodeTls.Files> tls) implements Transport {
            public Tcp {
                Objects.requireNonNull(host, "host");
                Objects.requireNonNull(tls, "tls");
                if (port < 0 || port > 65_535) {
                    throw new IllegalArgumentException("port must be within 0..65535: " + port);
                }
            }

            /** Plaintext TCP. */
            public Tcp(String host, int port) {
                this(host, port, Optional.empty());
            }
        }

        /** gRPC's in-process transport under a name unique in the JVM: the same server without sockets. */
        record InProcess(String name) implements Transport {
            public InProcess {
                Objects.requireNonNull(name, "name");
            }
        }
    }

    private final Transport transport;
    private final Server server;
    private final ExecutorService handlers;
    private final HealthStatusManager health;
    private final Optional<NodeTls> tls;

    private NodeServer(Transport transport, Server server, ExecutorService handlers, HealthStatusManager health,
                       Optional<NodeTls> tls) {
        this.tls = tls;
        this.transport = transport;
        this.server = server;
        this.handlers = handlers;
        this.health = health;
    }

    /**
     * A fixed pool with an unbounded queue, so it rejects tasks only once stopped. gRPC may still
     * hand it a stream's close bookkeeping after the server reports termination; that runs on the
     * caller's thread rather than failing with a rejection.
     */
    public static ExecutorService handlerPool(String threadName, int threads) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name(threadName, 0).daemon(true).factory(),
                (lateTask, stoppedPool) -> lateTask.run());
    }

    /**
     * Starts serving; reports {@code SERVING} through the health service at once. The server owns
     * {@code handlers} from here on and shuts the pool down when it stops, also when it fails to start.
     *
     * @throws IllegalArgumentException when the TLS files cannot be used
     */
    public static NodeServer start(Transport transport, ExecutorService handlers, List<BindableService> services)
            throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        Optional<NodeTls> tls;
        try {
            tls = transport instanceof Transport.Tcp tcp ? tcp.tls().map(NodeTls::start) : Optional.empty();
        } catch (RuntimeException e) {
            handlers.shutdownNow();
            throw e;
        }
        ServerBuilder<?> builder = switch (transport) {
            case Transport.Tcp tcp -> tls.isPresent()
                    ? NettyServerBuilder.forAddress(new InetSocketAddress(tcp.host(), tcp.port()), tls.get().credentials())
                    : NettyServerBuilder.forAddress(new InetSocketAddress(tcp.host(), tcp.port()));
            case Transport.InProcess inProcess -> InProcessServerBuilder.forName(inProcess.name());
        };
        builder.executor(handlers);
        services.forEach(builder::addService);
        builder.addService(health.getHealthService()).addService(ProtoReflectionServiceV1.newInstance());
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            handlers.shutdownNow();
            tls.ifPresent(NodeTls::close);
            throw e;
        }
        NodeServer started = new NodeServer(transport, server, handlers, health, tls);
        started.reportServing(true);
        return started;
    }

    /** The port bound, or -1 in process. */
    public int port() {
        return transport instanceof Transport.Tcp ? server.getPort() : -1;
    }

    /** {@code host:port} ({@code [host]:port} for an IPv6 literal), or {@code in-process:NAME}. */
    public String target() {
        return switch (transport) {
            case Transport.Tcp tcp -> (tcp.host().contains(":") ? "[" + tcp.host() + "]" : tcp.host()) + ":" + port();
            case Transport.InProcess inProcess -> "in-process:" + inProcess.name();
        };
    }

    /** A new plaintext channel to this server (so none to a server with TLS); the caller shuts it down. */
    public ManagedChannel newChannel() {
        return switch (transport) {
            case Transport.Tcp tcp -> Grpc.newChannelBuilder(target(), InsecureChannelCredentials.create()).build();
            case Transport.InProcess inProcess -> InProcessChannelBuilder.forName(inProcess.name()).build();
        };
    }

    /** What the standard health service answers, for the whole server and the storage service. */
    public void reportServing(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(StorageNodeServiceGrpc.SERVICE_NAME, status);
    }

    /**
     * Stops gracefully: {@code NOT_SERVING}, no new calls, in-flight ones get up to {@code grace} to
     * finish, then the rest are cancelled, and their handlers get another {@code grace} to return
     * (a cancelled call's handler runs on until it looks). Returns when the server is down and the
     * handler pool shut.
     *
     * @return whether every handler had returned by then; if not, one still uses what the services
     *         serve from, which must then not be closed under it
     */
    public boolean stop(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        boolean handlersDone = false;
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("storage node at {}: calls still running after {}, cancelling them", target(), grace);
                server.shutdownNow();
                server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
            handlers.shutdown();
            handlersDone = handlers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            handlers.shutdown();
            tls.ifPresent(NodeTls::close);
        }
        return handlersDone;
    }

    /** Waits, however long it takes, until every handler has returned; call after {@link #stop}. */
    public void awaitHandlers() throws InterruptedException {
        handlers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /** @return whether the server terminated within the timeout */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return server.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
