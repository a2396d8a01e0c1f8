package io.pairdb.adapters.postgres;

import io.micronaut.context.ApplicationContext;
import io.pairdb.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM, migrated once: a Testcontainers postgres:16-alpine when a
 * Docker engine is reachable, else the embedded server. Tests share it and empty the tables
 * with {@link #reset()} instead of paying for a server each.
 */
final class PostgresTestServer {
    private static final Logger log = LoggerFactory.getLogger(PostgresTestServer.class);
    private static final String DATABASE = "pairdb_test";

    record Endpoint(String jdbcUrl, String user, String password) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl, user, password);
        }

        Endpoint withDatabase(String database) {
            return new Endpoint(jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + database, user, password);
        }
    }

    private static Endpoint endpoint;
    private static ApplicationContext context;

    private PostgresTestServer() {
    }

    /** The migrated test database. */
    static synchronized Endpoint endpoint() {
        if (endpoint == null) {
            endpoint = start();
            migrate(endpoint);
        }
        return endpoint;
    }

    /** A Micronaut context with the default datasource on the test database, as the app would have. */
    static synchronized ApplicationContext context() {
        if (context == null) {
            Endpoint db = endpoint();
            context = ApplicationContext.run(Map.of(
                    "datasources.default.url", db.jdbcUrl(),
                    "datasources.default.username", db.user(),
                    "datasources.default.password", db.password(),
                    "datasources.default.driver-class-name", "org.postgresql.Driver",
                    "datasources.default.dialect", "POSTGRES",
                    "datasources.default.maximum-pool-size", "4"));
            ApplicationContext started = context;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "postgres-test-context-shutdown"));
        }
        return context;
    }

    /** Empties every table and puts the ring back at epoch 0, so each test starts from a fresh schema. */
    static void reset() {
        try (Connection connection = endpoint().connect(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE tenants, storage_nodes, pending_changes, hints, coordinators, coordinator_ids, api_keys, repair_runs, repair_schedule, repair_range_history"
                    + " RESTART IDENTITY CASCADE");
            statement.execute("UPDATE ring_epoch SET epoch = 0");
        } catch (SQLException e) {
            throw new IllegalStateException("could not reset the test database", e);
        }
    }

    /** Creates another, empty database on the same server; {@code options} as in CREATE DATABASE. */
    static Endpoint createDatabase(String name, String options) {
        Endpoint db = endpoint();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " " + options);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return db.withDatabase(name);
    }

    static void migrate(Endpoint db) {
        Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static Endpoint start() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            // Ryuk removes the container when the JVM exits
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine").withDatabaseName(DATABASE);
            container.start();
            return new Endpoint(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        log.info("no Docker engine reachable: testing against an embedded PostgreSQL");
        // registers its own shutdown hook, which stops the server and deletes its data directory
        EmbeddedPostgres server = EmbeddedPostgres.builder().start();
        server.createDatabase(DATABASE);
        return new Endpoint(server.jdbcUrl(DATABASE), server.user(), server.password());
    }
}
