package io.pairdb.app;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.OrderUtil;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.TaskExecutors;
import io.pairdb.adapters.security.ServerTls;
import io.pairdb.app.config.LimitsProperties;
import io.pairdb.app.config.SecurityProperties;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.limits.LimitsFactory;
import io.pairdb.app.security.SecurityFactory;

/**
 * The admin API on a port of its own ({@code pairdb.security.admin-port}), so that a network
 * policy or a separate Service can keep it from the clients of the data plane. It serves the same
 * services, interceptors and TLS as the main port; {@code CallSecurity} takes admin calls on this
 * port only and data-plane calls on the other only. Started with the main gRPC server.
 */
@Singleton
// not blank: an empty setting (an unset chart value, PAIRDB_SECURITY_ADMIN_PORT=) means no admin port
@Requires(property = "pairdb.security.admin-port", pattern = "(?s).*\\S.*")
public class AdminPortServer implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminPortServer.class);

    private final int port;
    private final List<BindableService> services;
    private final List<ServerInterceptor> interceptors;
    private final HealthStatusManager health;
    private final Optional<ServerTls> tls;
    private final ExecutorService executor;
    private final LimitsProperties limits;
    private final int maxInboundMessageSize;
    private volatile Server server;

    public AdminPortServer(SecurityProperties properties, List<BindableService> services,
                           List<ServerInterceptor> interceptors, @Nullable HealthStatusManager health,
                           Optional<ServerTls> tls, @Named(TaskExecutors.IO) ExecutorService executor,
                           LimitsProperties limits,
                           @Value("${grpc.server.max-inbound-message-size:4194304}") int maxInboundMessageSize) {
        this.port = SecurityFactory.adminPort(properties).orElseThrow();
        this.services = services;
        this.interceptors = new ArrayList<>(interceptors);
        this.health = health;
        this.tls = tls;
        this.executor = executor;
        this.limits = limits;
        this.maxInboundMessageSize = maxInboundMessageSize;
    }

    @Override
    public synchronized void onApplicationEvent(ServerStartupEvent event) {
        if (!(event.getSource() instanceof GrpcEmbeddedServer) || server != null) {
            return;
        }
        NettyServerBuilder builder = NettyServerBuilder.forPort(port).executor(executor);
        LimitsFactory.apply(limits, builder);
        // the main port's limit, which Micronaut applies to its own server only
        builder.maxInboundMessageSize(maxInboundMessageSize);
        services.forEach(s -> builder.addService(io.pairdb.adapters.grpc.MalformedRequests.lenient(s.bindService())));
        if (health != null) {
            builder.addService(health.getHealthService());
        }
        // as on the main port: the interceptor with the lowest order sees each call first
        OrderUtil.reverseSort(interceptors);
        interceptors.forEach(builder::intercept);
        tls.ifPresent(t -> builder.sslContext(t.sslContext()));
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not serve the admin API on port " + port + ": " + e.getMessage(), e);
        }
        LOG.atInfo().addKeyValue("event", "admin_port_started").addKeyValue("port", port)
                .log("admin API on port {}{}; the main gRPC port takes no admin calls", port, tls.isPresent() ? " (TLS)" : "");
    }

    @PreDestroy
    void stop() throws InterruptedException {
        Server running = server;
        if (running != null) {
            running.shutdown();
            if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
                running.shutdownNow();
            }
        }
    }
}
