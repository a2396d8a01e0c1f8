package io.pairdb.app;

import static io.pairdb.app.config.ConfigurationError.positive;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.PostgresProperties;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Gives every PostgreSQL connection the {@code pairdb.postgres.*} timeouts before the pool opens
 * any: the driver's connect and socket timeouts, and the server's statement timeout. Driver
 * properties must be strings (the driver skips others), so they are set here rather than as a map
 * in the configuration file, which would bind numbers.
 */
@Singleton
public class PostgresTimeouts implements BeanCreatedEventListener<DatasourceConfiguration> {
    private final PostgresProperties properties;

    public PostgresTimeouts(PostgresProperties properties) {
        this.properties = properties;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        Duration connect = positive("pairdb.postgres.connect-timeout", properties.getConnectTimeout());
        Duration socket = positive("pairdb.postgres.socket-timeout", properties.getSocketTimeout());
        Duration statement = positive("pairdb.postgres.statement-timeout", properties.getStatementTimeout());
        if (socket.compareTo(statement) <= 0) {
            // the server should cancel a long statement and say so before the socket gives up on it
            throw new ConfigurationError("pairdb.postgres.socket-timeout", "must be longer than "
                    + "pairdb.postgres.statement-timeout (" + statement + "), was " + socket);
        }
        DatasourceConfiguration datasource = event.getBean();
        datasource.addDataSourceProperty("connectTimeout", String.valueOf(wholeSeconds(connect)));
        datasource.addDataSourceProperty("socketTimeout", String.valueOf(wholeSeconds(socket)));
        datasource.addDataSourceProperty("options", "-c statement_timeout=" + statement.toMillis());
        return datasource;
    }

    /** The driver counts these in whole seconds: round up, so a timeout is never shorter than asked. */
    private static long wholeSeconds(Duration timeout) {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

}
