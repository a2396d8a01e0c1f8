package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.embedded.EmbeddedPostgres;
import io.pairdb.embedded.FreePorts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --migrate} (the Helm hook Job) and what an operator sees when a setting is wrong: exit
 * codes and a single line naming the problem. Runs the packaged jar as its own process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateModeIT {
    private static final String DATABASE = "migrate_it";
    private EmbeddedPostgres postgres;

    @BeforeAll
    void startPostgres() {
        postgres = EmbeddedPostgres.builder().start();
        postgres.createDatabase(DATABASE);
    }

    @AfterAll
    void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private String[] database(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--datasources.default.url=" + postgres.jdbcUrl(DATABASE),
                "--datasources.default.username=" + postgres.user(),
                "--datasources.default.password=" + postgres.password()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void migrateCreatesTheSchemaAndExitsZeroTwice() throws Exception {
        for (int run = 1; run <= 2; run++) {
            try (CoordinatorProcess migrate = CoordinatorProcess.start("migrate-" + run, Map.of(),
                    concat("--migrate", database()))) {
                assertThat(migrate.awaitExit(Duration.ofMinutes(2))).as("exit code of run %d", run).isZero();
                assertThat(migrate.printed("schema migrated")).isTrue();
            }
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.user(), postgres.password());
             ResultSet tables = c.createStatement().executeQuery(
                     "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertThat(names).contains("flyway_schema_history", "tenants", "storage_nodes", "ring_epoch", "hints");
        }
    }

    @Test
    void migrateAgainstAnUnreachableDatabaseExitsOneWithOneLine() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + FreePorts.pick() + "/nothing";
        try (CoordinatorProcess migrate = CoordinatorProcess.start("migrate-unreachable", Map.of(),
                "--migrate", "--datasources.default.url=" + url)) {
            assertThat(migrate.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            List<String> errors = migrate.output().stream().filter(l -> l.startsWith("pairdb-coordinator:")).toList();
            assertThat(errors).hasSize(1);
            assertThat(errors.getFirst()).startsWith("pairdb-coordinator: migration failed:").contains("refused");
            assertThat(migrate.output()).noneMatch(l -> l.strip().startsWith("at "));
        }
    }

    @Test
    void aBadDurationOnTheCommandLineStopsStartUpNamingTheKey() throws Exception {
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("bad-duration", ports(),
                concat("--pairdb.coordinator.write-timeout=banana", database()))) {
            assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            assertThat(coordinator.output()).contains("pairdb-coordinator: could not start: invalid configuration "
                    + "pairdb.coordinator.write-timeout: 'banana' is not a duration (examples: 500ms, 5s, 2m, 24h, PT5S)");
            assertThat(coordinator.output()).noneMatch(l -> l.strip().startsWith("at "));
        }
    }

    @Test
    void aBadNumberInTheEnvironmentStopsStartUpNamingTheKey() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(ports());
        env.put("PAIRDB_COORDINATOR_MAX_VALUE_BYTES", "lots");
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("bad-number", env, database())) {
            assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            assertThat(coordinator.output()).anyMatch(l -> l.startsWith("pairdb-coordinator: could not start: invalid "
                    + "configuration pairdb.coordinator.max-value-bytes: 'lots' is not a whole number"));
        }
    }

    @Test
    void anUnknownLogFormatStopsStartUpRatherThanLeavingTheCoordinatorWithoutLogs() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(ports());
        env.put("PAIRDB_LOG_FORMAT", "JSON");
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("bad-log-format", env, database())) {
            assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            assertThat(coordinator.output()).anyMatch(l -> l.startsWith("pairdb-coordinator: could not start: invalid "
                    + "configuration PAIRDB_LOG_FORMAT: 'JSON' is neither text nor json"));
        }
    }

    @Test
    void aSettingThatMakesLossPossibleStopsStartUpNamingIt() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(ports());
        env.put("PAIRDB_TOPOLOGY_CHANGES_SETTLE_DELAY", "1s");
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("loss-prone", env, database())) {
            assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            List<String> errors = coordinator.output().stream().filter(l -> l.startsWith("pairdb-coordinator:")).toList();
            assertThat(errors).singleElement().asString().startsWith("pairdb-coordinator: could not start: invalid "
                    + "configuration pairdb.topology-changes.settle-delay: PT1S must be at least "
                    + "pairdb.coordinator.write-timeout (PT5S)");
            assertThat(coordinator.output()).noneMatch(l -> l.strip().startsWith("at "));
        }
    }

    @Test
    void devModeRefusesVirtualNodesOutsideWhatANodeMayHave() throws Exception {
        for (String vnodes : List.of("0", "4097")) {
            try (CoordinatorProcess coordinator = CoordinatorProcess.start("bad-vnodes-" + vnodes, ports(), "--dev",
                    "--vnodes", vnodes)) {
                assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
                assertThat(coordinator.output()).contains("error: --vnodes must be 1-4096, not " + vnodes);
                assertThat(coordinator.output()).noneMatch(l -> l.strip().startsWith("at "));
            }
        }
    }

    @Test
    void aBadSettingOfABackgroundTaskStopsStartUpInOneLine() throws Exception {
        // repair's beans were first made by the scheduler after start-up, which logged a page of stack instead
        Map<String, String> env = new java.util.HashMap<>(ports());
        env.put("PAIRDB_REPAIR_FAN_OUT", "1");
        // dev mode: everything else it needs is there, so only the setting can stop it
        try (CoordinatorProcess coordinator = CoordinatorProcess.start("bad-repair-setting", env, "--dev")) {
            assertThat(coordinator.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
            List<String> errors = coordinator.output().stream().filter(l -> l.startsWith("pairdb-coordinator:")).toList();
            assertThat(errors).singleElement().asString().isEqualTo("pairdb-coordinator: could not start: invalid "
                    + "configuration pairdb.repair: fan-out must be within 2..4096, not 1");
            assertThat(coordinator.output()).noneMatch(l -> l.strip().startsWith("at "));
        }
    }

    private static Map<String, String> ports() {
        return Map.of("GRPC_SERVER_PORT", String.valueOf(FreePorts.pick()),
                "MICRONAUT_SERVER_PORT", String.valueOf(FreePorts.pick()));
    }

    private static String[] concat(String first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
