package io.pairdb.cli;

import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real gRPC server on an ephemeral loopback port serving hand-written fakes, so the CLI
 * goes through its whole stack: address, Netty channel, deadline, error mapping.
 */
final class FakeCoordinator implements AutoCloseable {

    // A client speaking TLS to this plaintext server is a test case, not news: the server
    // would log it at INFO with a stack trace. Held so java.util.logging keeps the level.
    private static final Logger TRANSPORT_LOG = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport");

    static {
        TRANSPORT_LOG.setLevel(Level.WARNING);
    }

    final FakeAdminService admin = new FakeAdminService();
    final FakeDataPlane dataPlane = new FakeDataPlane();
    private final Connections connections = new Connections();
    private final Server server;

    private FakeCoordinator() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(admin)
                .addService(dataPlane)
                .addTransportFilter(connections)
                .build()
                .start();
    }

    static FakeCoordinator start() throws IOException {
        return new FakeCoordinator();
    }

    /** Client connections accepted so far. */
    int connectionsAccepted() {
        synchronized (connections) {
            return connections.accepted;
        }
    }

    /** Waits, at most {@code bound}, until every client has closed its connection; false if one is still open. */
    boolean awaitAllConnectionsClosed(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (connections) {
            while (connections.open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(connections, left);
            }
            return true;
        }
    }

    /** What to pass to {@code --addr}. */
    String address() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    private static final class Connections extends ServerTransportFilter {
        private int accepted;
        private int open;

        @Override
        public synchronized Attributes transportReady(Attributes attributes) {
            accepted++;
            open++;
            return attributes;
        }

        @Override
        public synchronized void transportTerminated(Attributes attributes) {
            open--;
            notifyAll();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
