package io.pairdb.app;

import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.health.v1.HealthGrpc;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.pairdb.adapters.security.CallSecurity;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Runs the data plane ({@code CoordinatorService}, and the reads and writes of the original
 * gateway's {@code proto.CoordinatorService}, which are the same calls) and the health service on
 * the gRPC server's Netty event loops instead of handing every call to a pool thread and back:
 * nothing on their path blocks (idempotency records go through Lettuce's asynchronous API,
 * tenant-cache misses and hints are loaded and stored on the scheduler, storage calls are
 * asynchronous). Every other call (admin, the gateway's tenant and node calls, reflection) may
 * block on PostgreSQL and keeps Micronaut's I/O executor, and so does a data-plane call whose API
 * key this coordinator has not checked lately: authenticating it reads the key from PostgreSQL.
 */
@Singleton
public class DataPlaneOnEventLoops implements BeanCreatedEventListener<ServerBuilder<?>> {
    static final Set<String> NON_BLOCKING_SERVICES = Set.of(
            CoordinatorServiceGrpc.SERVICE_NAME, HealthGrpc.SERVICE_NAME);
    static final Set<String> NON_BLOCKING_METHODS = Set.of(
            io.pairdb.proto.gateway.CoordinatorServiceGrpc.getWriteKeyValueMethod().getFullMethodName(),
            io.pairdb.proto.gateway.CoordinatorServiceGrpc.getReadKeyValueMethod().getFullMethodName());

    private final ExecutorService blocking;
    private final CallSecurity security;

    public DataPlaneOnEventLoops(@Named(TaskExecutors.IO) ExecutorService blocking, CallSecurity security) {
        this.blocking = blocking;
        this.security = security;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        builder.directExecutor();
        builder.callExecutor(new ServerCallExecutorSupplier() {
            @Override
            public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
                // null: stay on the event loop
                var method = call.getMethodDescriptor();
                boolean nonBlocking = NON_BLOCKING_SERVICES.contains(method.getServiceName())
                        || NON_BLOCKING_METHODS.contains(method.getFullMethodName());
                return nonBlocking && security.decidesWithoutBlocking(call, headers) ? null : blocking;
            }
        });
        return builder;
    }
}
