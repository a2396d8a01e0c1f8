package io.pairdb.adapters.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.reactivestreams.Publisher;

/**
 * Ready only while PostgreSQL answers {@code SELECT 1} within {@code pairdb.health.check-timeout}:
 * tenants, the ring and hints live there.
 */
@Singleton
@Readiness
@Requires(beans = {HealthEndpoint.class, DataSource.class})
public final class PostgresReadiness implements HealthIndicator {
    private final DataSource dataSource;
    private final BoundedCheck check;

    public PostgresReadiness(DataSource dataSource, @Nullable DataSourceResolver resolver,
                             @Value("${pairdb.health.check-timeout:2s}") Duration timeout, HealthMetrics metrics) {
        // the injected one is Micronaut Data's transaction-aware proxy, which only works inside a transaction
        this.dataSource = resolver != null ? resolver.resolve(dataSource) : dataSource;
        this.check = new BoundedCheck("postgres", timeout,
                up -> metrics.dependencyChecked(HealthMetrics.Dependency.POSTGRESQL, up));
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return check.run(() -> {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.setQueryTimeout((int) Math.max(1, check.timeout().toSeconds()));
                statement.execute("SELECT 1");
                return Map.of("database", connection.getMetaData().getDatabaseProductName() + " "
                        + connection.getMetaData().getDatabaseProductVersion());
            }
        });
    }
}
