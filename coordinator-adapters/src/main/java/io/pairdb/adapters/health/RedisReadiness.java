package io.pairdb.adapters.health;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;

/**
 * Ready only while Redis answers PING within {@code pairdb.health.check-timeout} and keeps
 * idempotency records until they expire. Writes without an idempotency key would still work
 * without it, but every write with one fails, so a coordinator that cannot reach Redis should not
 * receive traffic. A Redis that evicts keys under memory pressure ({@code maxmemory-policy} other
 * than {@code noeviction}) would silently drop in-progress markers and records, and a retry would
 * then run a write twice: that is a misconfiguration to fix, so it is DOWN too. A Redis that
 * refuses {@code CONFIG GET} (some managed services) cannot be checked; it is UP, saying so.
 */
@Singleton
@Readiness
@Requires(beans = {HealthEndpoint.class, StatefulRedisConnection.class})
public final class RedisReadiness implements HealthIndicator {
    /** The only policy under which Redis never drops a key before its TTL. */
    static final String REQUIRED_POLICY = "noeviction";

    private final StatefulRedisConnection<String, String> connection;
    private final BoundedCheck check;

    public RedisReadiness(StatefulRedisConnection<String, String> connection,
                          @Value("${pairdb.health.check-timeout:2s}") Duration timeout, HealthMetrics metrics) {
        this.connection = connection;
        this.check = new BoundedCheck("redis", timeout,
                up -> metrics.dependencyChecked(HealthMetrics.Dependency.REDIS, up));
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return check.run(() -> {
            long timeout = check.timeout().toMillis();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("ping", connection.async().ping().get(timeout, TimeUnit.MILLISECONDS));
            String policy;
            try {
                policy = connection.async().configGet("maxmemory-policy").get(timeout, TimeUnit.MILLISECONDS)
                        .get("maxmemory-policy");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RedisCommandExecutionException refused)) {
                    throw e;
                }
                details.put("maxmemory-policy", "unknown: CONFIG GET refused (" + refused.getMessage()
                        + "); it must be " + REQUIRED_POLICY);
                return details;
            }
            if (!REQUIRED_POLICY.equals(policy)) {
                throw new IllegalStateException("Redis maxmemory-policy is " + policy + "; the coordinator requires "
                        + REQUIRED_POLICY + ": an evicted idempotency record or in-progress marker lets a retry run "
                        + "a write twice");
            }
            details.put("maxmemory-policy", policy);
            return details;
        });
    }
}
