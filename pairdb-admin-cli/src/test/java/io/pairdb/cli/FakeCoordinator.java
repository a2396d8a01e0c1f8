package io.pairdb.cli;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
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
    final FakeAuthService auth = new FakeAuthService();
    /** The authorization header of the last call, if it had one. */
    volatile String lastAuthorization;
    /** The subject of the client certificate of the last call, if it presented one. */
    volatile String lastClientCertificate;
    private final Connections connections = new Connections();
    private final Server server;

    private FakeCoordinator(SslContext tls) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(admin, new Recorder()))
                .addService(ServerInterceptors.intercept(dataPlane, new Recorder()))
                .addService(ServerInterceptors.intercept(auth, new Recorder()))
                .addTransportFilter(connections);
        if (tls != null) {
            builder.sslContext(tls);
        }
        server = builder.build().start();
    }

    static FakeCoordinator start() throws IOException {
        return new FakeCoordinator(null);
    }

    /** A fake serving TLS with this certificate and key, asking for (not requiring) client certificates from {@code clientCa}. */
    static FakeCoordinator startTls(Path certificate, Path key, Path clientCa) throws IOException {
        return new FakeCoordinator(GrpcSslContexts.configure(SslContextBuilder.forServer(certificate.toFile(), key.toFile()))
                .trustManager(clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL).build());
    }

    /** Keeps what each call presented: its authorization header and client certificate. */
    private final class Recorder implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            lastAuthorization = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            lastClientCertificate = null;
            if (session != null) {
                try {
                    lastClientCertificate = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
                } catch (SSLPeerUnverifiedException e) {
                    // no client certificate
                }
            }
            return next.startCall(call, headers);
        }
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
