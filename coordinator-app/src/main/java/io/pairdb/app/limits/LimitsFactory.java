package io.pairdb.app.limits;

import static io.pairdb.app.config.ConfigurationError.atLeastOne;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.pairdb.adapters.grpc.LoadShedding;
import io.pairdb.adapters.limits.Bucket4jTenantRateLimiter;
import io.pairdb.adapters.runtime.ExecutorScheduler;
import io.pairdb.core.limits.AdmitTenantCall;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.LimitsProperties;
import io.pairdb.core.limits.DeadlineAdmission;
import io.pairdb.core.limits.LoadBound;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds the coordinator's load bound ({@link LoadShedding}, a {@code ServerInterceptor} bean that
 * the gRPC server, and the admin port, apply to every call) and puts the connection limits of
 * {@code pairdb.limits.*} on the gRPC server; and what enforces tenants' quotas.
 */
@Factory
public class LimitsFactory {

    @Singleton
    LoadShedding loadShedding(LimitsProperties p, MeterRegistry registry) {
        LoadBound.Settings settings;
        try {
            settings = new LoadBound.Settings(p.getMaxRequestsInFlight(), p.getMaxRequestBytesInFlight());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(p.getMaxRequestsInFlight() < 1 ? "pairdb.limits.max-requests-in-flight"
                    : "pairdb.limits.max-request-bytes-in-flight", e.getMessage());
        }
        positive("pairdb.limits.overload-retry-after", p.getOverloadRetryAfter());
        DeadlineAdmission deadlines = null;
        if (p.isShedCallsPastDeadline()) {
            try {
                deadlines = new DeadlineAdmission(new DeadlineAdmission.Settings(p.getAnswerRateWindow(),
                        p.getAnswerRateMinCalls(), p.getDeadlineWaitShare()));
            } catch (IllegalArgumentException e) {
                // the settings in the order Settings checks them, so that the one named is the one the message is about
                Duration window = p.getAnswerRateWindow();
                String setting = window == null || window.compareTo(Duration.ofMillis(10)) < 0 ? "pairdb.limits.answer-rate-window"
                        : p.getAnswerRateMinCalls() < 1 ? "pairdb.limits.answer-rate-min-calls"
                        : "pairdb.limits.deadline-wait-share";
                throw new ConfigurationError(setting, e.getMessage());
            }
        }
        return new LoadShedding(new LoadBound(settings), deadlines, p.getOverloadRetryAfter(),
                Set.of(HealthGrpc.SERVICE_NAME), registry);
    }

    /** Whether a tenant is over this coordinator's share of its quota, on Bucket4j. */
    @Singleton
    TenantRateLimiter tenantRateLimiter() {
        return new Bucket4jTenantRateLimiter();
    }

    @Singleton
    AdmitTenantCall admitTenantCall(TenantService tenants, TenantRateLimiter limiter, ExecutorScheduler scheduler) {
        return new AdmitTenantCall(tenants, limiter, scheduler);
    }

    /** Puts the connection limits on the main gRPC server as Micronaut builds it. */
    @Singleton
    static class MainPortLimits implements BeanCreatedEventListener<ServerBuilder<?>> {
        private final LimitsProperties limits;

        MainPortLimits(LimitsProperties limits) {
            this.limits = limits;
        }

        @Override
        public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
            if (!(event.getBean() instanceof NettyServerBuilder netty)) {
                throw new IllegalStateException("the gRPC server is not Netty's (" + event.getBean().getClass().getName()
                        + "), so pairdb.limits cannot be applied to it");
            }
            apply(limits, netty);
            return netty;
        }
    }

    /** The connection limits of {@code pairdb.limits.*} on {@code builder}; throws a ConfigurationError for a bad one. */
    public static void apply(LimitsProperties p, NettyServerBuilder builder) {
        builder.maxInboundMetadataSize(atLeastOne("pairdb.limits.max-inbound-metadata-bytes", p.getMaxInboundMetadataBytes()));
        builder.maxConcurrentCallsPerConnection(atLeastOne("pairdb.limits.max-concurrent-calls-per-connection",
                p.getMaxConcurrentCallsPerConnection()));
        builder.maxConnectionAge(millis("pairdb.limits.max-connection-age", p.getMaxConnectionAge()), TimeUnit.MILLISECONDS);
        builder.maxConnectionAgeGrace(millis("pairdb.limits.max-connection-age-grace", p.getMaxConnectionAgeGrace()),
                TimeUnit.MILLISECONDS);
        builder.maxConnectionIdle(millis("pairdb.limits.max-connection-idle", p.getMaxConnectionIdle()), TimeUnit.MILLISECONDS);
        // a client pinging more often than this is sent GOAWAY (too_many_pings); pings without calls are allowed
        builder.permitKeepAliveTime(millis("pairdb.limits.permit-keep-alive-time", p.getPermitKeepAliveTime()),
                TimeUnit.MILLISECONDS);
        builder.permitKeepAliveWithoutCalls(true);
        builder.handshakeTimeout(millis("pairdb.limits.handshake-timeout", p.getHandshakeTimeout()), TimeUnit.MILLISECONDS);
        // HTTP/2 rapid reset (CVE-2023-44487): a connection that opens and resets streams faster than this is
        // closed with GOAWAY ENHANCE_YOUR_CALM; grpc-java's own default is no limit
        Duration window = positive("pairdb.limits.reset-streams-window", p.getResetStreamsWindow());
        if (window.toSeconds() < 1 || window.toNanosPart() != 0) {
            throw new ConfigurationError("pairdb.limits.reset-streams-window", "must be a whole number of seconds, was "
                    + window);
        }
        builder.maxRstFramesPerWindow(atLeastOne("pairdb.limits.max-reset-streams-per-window",
                p.getMaxResetStreamsPerWindow()), Math.toIntExact(window.toSeconds()));
    }


    private static long millis(String key, Duration value) {
        return positive(key, value).toMillis();
    }

}
