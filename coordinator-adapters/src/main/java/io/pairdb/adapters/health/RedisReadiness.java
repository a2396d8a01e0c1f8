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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(RedisReadiness.class);

    private final StatefulRedisConnection<String, String> connection;
    private final BoundedCheck check;
    /** Whether the warning about a Redis without an append-only file was logged since it was last seen with one. */
    private volatile boolean warnedVolatile;

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
                details.put("persistence", persistence(timeout));
                return details;
            }
            if (!REQUIRED_POLICY.equals(policy)) {
                throw new IllegalStateException("Redis maxmemory-policy is " + policy + "; the coordinator requires "
                        + REQUIRED_POLICY + ": an evicted idempotency record or in-progress marker lets a retry run "
                        + "a write twice");
            }
            details.put("maxmemory-policy", policy);
            details.put("persistence", persistence(timeout));
            return details;
        });
    }

    /**
     * Whether Redis keeps its keys across its own restarts: not a readiness condition (dev mode's
     * Redis keeps nothing, and a Redis with snapshots only is a choice), but said in the details and
     * logged once, since without an append-only file a restart forgets recent idempotency records and
     * a retry of one of those writes runs it again (README, "Idempotency").
     */
    private String persistence(long timeoutMillis) throws Exception {
        String info;
        try {
            info = connection.async().info("persistence").get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RedisCommandExecutionException refused)) {
                throw e;
            }
            return "unknown: INFO refused (" + refused.getMessage() + ")";
        }
        boolean appendOnly = info.lines().anyMatch(l -> l.strip().equals("aof_enabled:1"));
        if (appendOnly) {
            warnedVolatile = false;
            return "appendonly yes";
        }
        if (!warnedVolatile) {
            warnedVolatile = true;
            LOG.atWarn().addKeyValue("event", "redis_not_persistent")
                    .log("Redis runs without an append-only file (appendonly no): a Redis restart forgets the "
                            + "idempotency records of recent writes, and a retry of one of them runs it again; "
                            + "run Redis with appendonly yes");
        }
        return "appendonly no: a Redis restart forgets recent idempotency records";
    }
}
