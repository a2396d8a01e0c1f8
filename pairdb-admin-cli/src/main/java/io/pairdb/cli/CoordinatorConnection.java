package io.pairdb.cli;

import io.grpc.ManagedChannel;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.pairdb.proto.admin.v1.AuthServiceGrpc;
import io.pairdb.proto.admin.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc.CoordinatorServiceBlockingStub;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The invocation's one channel to the coordinator. It is opened by the first call and shut
 * down when the application context of the invocation closes.
 */
@Singleton
public final class CoordinatorConnection {

    private static final long SHUTDOWN_GRACE_SECONDS = 5;

    private Endpoint endpoint;
    private ManagedChannel channel;

    /** The admin API, each call bounded by the endpoint's timeout. */
    public AdminServiceBlockingStub admin(Endpoint endpoint) {
        return AdminServiceGrpc.newBlockingStub(channelTo(endpoint))
                .withDeadlineAfter(endpoint.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** API keys, each call bounded by the endpoint's timeout. */
    public AuthServiceBlockingStub auth(Endpoint endpoint) {
        return AuthServiceGrpc.newBlockingStub(channelTo(endpoint))
                .withDeadlineAfter(endpoint.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The data plane, each call bounded by the endpoint's timeout. */
    public CoordinatorServiceBlockingStub coordinator(Endpoint endpoint) {
        return CoordinatorServiceGrpc.newBlockingStub(channelTo(endpoint))
                .withDeadlineAfter(endpoint.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The endpoint the channel was opened to; empty when no call was made. */
    public synchronized Optional<Endpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    private synchronized ManagedChannel channelTo(Endpoint wanted) {
        if (channel == null) {
            channel = CoordinatorChannels.builder(wanted).userAgent("pairdb-admin").build();
            endpoint = wanted;
        } else if (!endpoint.equals(wanted)) {
            throw new IllegalStateException("one invocation talks to one endpoint: opened " + endpoint + ", asked for " + wanted);
        }
        return channel;
    }

    @PreDestroy
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        // Every call is blocking and has returned by now; nothing is left to drain.
        channel.shutdownNow();
        try {
            channel.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
