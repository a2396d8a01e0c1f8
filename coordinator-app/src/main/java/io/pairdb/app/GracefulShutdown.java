package io.pairdb.app;

import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.pairdb.adapters.runtime.ExecutorScheduler;
import io.pairdb.app.config.ShutdownProperties;
import io.pairdb.core.write.CoordinateWrite;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the coordinator without failing a request it has accepted: gRPC health turns
 * NOT_SERVING, the server stops accepting calls (clients see UNAVAILABLE on connect and go to
 * another coordinator), the calls already accepted finish within {@code pairdb.shutdown.grace-period}
 * (those still running then are cancelled), replica writes still out after their request was
 * answered finish or fail and are hinted, and then background work such as hint writes is given the
 * rest of the grace period. Only after that may the context close the data sources.
 *
 * <p>{@code CoordinatorMain}'s shutdown hook calls {@link #drain()} before it stops the HTTP
 * server and the context; any other way of stopping the context (tests) drains on the
 * context's {@link ShutdownEvent}, which is published before any bean is destroyed. The gRPC
 * server is the one micronaut-grpc starts ({@link GrpcEmbeddedServer}); its own stop, later,
 * finds it terminated.
 */
@Singleton
public class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    /** How long cancelled calls get to unwind after the grace period. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

    private final HealthStatusManager health;
    private final ExecutorScheduler scheduler;
    private final CoordinateWrite writes;
    private final RequestLog requests;
    private final Duration grace;
    /** Set once the gRPC server has started; a start-up that failed before has nothing to drain. */
    private volatile Server server;
    private volatile boolean shuttingDown;
    private boolean drained;

    public GracefulShutdown(@Nullable HealthStatusManager health, ExecutorScheduler scheduler, RequestLog requests,
                            CoordinateWrite writes, ShutdownProperties properties) {
        this.health = health;
        this.scheduler = scheduler;
        this.writes = writes;
        this.requests = requests;
        this.grace = properties.getGracePeriod();
    }

    /** True from the moment the drain starts: readiness reports DOWN. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    @EventListener
    void grpcStarted(ServerStartupEvent event) {
        if (event.getSource() instanceof GrpcEmbeddedServer grpc) {
            server = grpc.getServer();
        }
    }

    @EventListener
    void contextStopping(ShutdownEvent event) {
        drain();
    }

    private Duration left(long started) {
        return grace.minus(Duration.ofNanos(System.nanoTime() - started));
    }

    private static boolean settled(CompletableFuture<Void> settled, Duration within) throws InterruptedException {
        try {
            settled.get(Math.max(0, within.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            // never completes exceptionally
            return true;
        }
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Idempotent; a second caller waits until the first one's drain is over. */
    public synchronized void drain() {
        if (drained) {
            return;
        }
        drained = true;
        shuttingDown = true;
        Server server = this.server;
        if (server == null) {
            // start-up failed before the gRPC server ran: no calls, and no hints, to wait for
            return;
        }
        long started = System.nanoTime();
        LOG.atInfo().addKeyValue("event", "shutdown_started").addKeyValue("in_flight", requests.inFlight())
                .addKeyValue("grace_period_ms", grace.toMillis())
                .log("shutting down: gRPC health is NOT_SERVING, no new calls accepted, waiting up to {} for {} "
                        + "in-flight calls", human(grace), requests.inFlight());
        if (health != null) {
            health.enterTerminalState();
        }
        try {
            if (!server.shutdown().awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.atWarn().addKeyValue("event", "shutdown_grace_expired").addKeyValue("in_flight", requests.inFlight())
                        .log("{} calls did not finish within the grace period {}; cancelling them",
                                requests.inFlight(), human(grace));
                server.shutdownNow();
                server.awaitTermination(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            // a replica call still out after its write was answered may yet fail and need a hint: wait for every
            // call to answer or be hinted (its deadline bounds it) with the scheduler still running its timers
            if (!settled(writes.settled(), left(started))) {
                LOG.atWarn().addKeyValue("event", "shutdown_writes_unsettled")
                        .log("replica writes still in flight after the grace period {}; their hints may be lost",
                                human(grace));
            }
            // pending hint writes get what is left of the grace period, and at least a moment
            Duration left = left(started);
            scheduler.shutdown(left.compareTo(CANCEL_WAIT) > 0 ? left : CANCEL_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        LOG.atInfo().addKeyValue("event", "shutdown_drained")
                .addKeyValue("duration_ms", Duration.ofNanos(System.nanoTime() - started).toMillis())
                .log("drained in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}
