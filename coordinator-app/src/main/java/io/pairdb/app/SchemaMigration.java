package io.pairdb.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.pairdb.app.config.ConfigurationCheck;
import io.pairdb.app.config.ConfigurationError;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --migrate}: applies the Flyway migrations to the configured datasource and returns,
 * for a Helm hook Job that runs before the coordinators roll. Reads the same configuration as
 * the coordinator (application.yml, environment, {@code --key=value}) but starts no beans: no
 * server, no pool, no scheduled work that would query tables the migration has yet to create.
 */
final class SchemaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);
    private static final String URL = "datasources.default.url";

    private SchemaMigration() {
    }

    /** 0 when the schema is current, 1 (and one line on stderr) when it could not be migrated. */
    static int run(String[] args) {
        try (ApplicationContext context = ApplicationContext.builder().mainClass(CoordinatorMain.class).args(args).build()) {
            Environment configuration = context.getEnvironment().start();
            ConfigurationCheck.verify(configuration);
            String url = configuration.getProperty(URL, String.class)
                    .orElseThrow(() -> new ConfigurationError(URL, "is not set (DATABASE_URL)"));
            MigrateResult result = Flyway.configure()
                    .dataSource(url, configuration.getProperty("datasources.default.username", String.class).orElse(null),
                            configuration.getProperty("datasources.default.password", String.class).orElse(null))
                    .locations(configuration.getProperty("flyway.datasources.default.locations", String[].class)
                            .orElse(new String[] {"classpath:db/migration"}))
                    .cleanDisabled(true)
                    .load()
                    .migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            LOG.atInfo().addKeyValue("event", "schema_migrated").addKeyValue("applied", result.migrationsExecuted)
                    .addKeyValue("schema_version", version)
                    .log("schema migrated: {} migrations applied, schema at version {}", result.migrationsExecuted, version);
            return 0;
        } catch (RuntimeException e) {
            System.err.println("pairdb-coordinator: migration failed: " + StartupFailure.describe(e));
            LOG.debug("migration failed", e);
            return 1;
        }
    }
}
