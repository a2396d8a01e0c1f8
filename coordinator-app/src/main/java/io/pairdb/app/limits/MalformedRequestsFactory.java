package io.pairdb.app.limits;

import io.grpc.BindableService;
import io.grpc.ServerBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.pairdb.adapters.grpc.MalformedRequests;
import jakarta.inject.Singleton;
import java.util.List;
import io.pairdb.app.AdminPortServer;

/**
 * Requests that do not parse are answered {@code INVALID_ARGUMENT}/{@code MALFORMED_REQUEST}
 * ({@link MalformedRequests}) on the main port; the admin port ({@link AdminPortServer}) binds
 * its services the same way.
 */
@Factory
public class MalformedRequestsFactory {

    @Singleton
    MalformedRequests malformedRequests() {
        return new MalformedRequests();
    }

    /**
     * Binds every service again, leniently, as Micronaut builds the main gRPC server: a service
     * added under a name already bound replaces the earlier one.
     */
    @Singleton
    static class LenientServices implements BeanCreatedEventListener<ServerBuilder<?>> {
        private final List<BindableService> services;

        LenientServices(List<BindableService> services) {
            this.services = services;
        }

        @Override
        public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
            ServerBuilder<?> builder = event.getBean();
            services.forEach(s -> builder.addService(MalformedRequests.lenient(s.bindService())));
            return builder;
        }
    }
}
