package io.pairdb.app.security;

import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.pairdb.adapters.security.ServerTls;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Puts TLS on the gRPC port when it is configured. Micronaut's own gRPC TLS settings know only
 * one-way TLS from fixed files; this sets the Netty server's SSL context from {@link ServerTls},
 * whose files are re-read when they change and which can require client certificates.
 */
@Singleton
public class GrpcTransportSecurity implements BeanCreatedEventListener<ServerBuilder<?>> {
    private final Optional<ServerTls> tls;

    public GrpcTransportSecurity(Optional<ServerTls> tls) {
        this.tls = tls;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        tls.ifPresent(t -> {
            if (!(builder instanceof NettyServerBuilder netty)) {
                throw new IllegalStateException("TLS needs the Netty gRPC server, not " + builder.getClass().getName());
            }
            netty.sslContext(t.sslContext());
        });
        return builder;
    }
}
