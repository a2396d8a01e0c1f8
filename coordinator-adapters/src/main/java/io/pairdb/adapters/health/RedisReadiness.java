package io.pairdb.adapters.health;

import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;

/**
 * Ready only while Redis answers PING within {@code pairdb.health.check-timeout}. Writes
 * without an idempotency key would still work without it, but every write with one fails, so
 * a coordinator that cannot reach Redis should not receive traffic.
 */
@Singleton
@Readiness
@Requires(beans = {HealthEndpoint.class, StatefulRedisConnection.class})
public final class RedisReadiness implements HealthIndicator {
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
            String pong = connection.async().ping().get(check.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return Map.of("ping", pong);
        });
    }
}
