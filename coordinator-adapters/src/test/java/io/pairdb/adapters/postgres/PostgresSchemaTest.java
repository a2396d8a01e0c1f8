package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.Test;

/**
 * V1 on a database of its own: it applies from scratch, and its CHECKs agree with the domain's
 * validation. The database sorts text like en-US (as a production server's locale might), which
 * the identifier columns must not follow.
 */
class PostgresSchemaTest {
    /** PostgreSQL's SQLSTATE for a violated CHECK constraint. */
    private static final String CHECK_VIOLATION = "23514";

    private static PostgresTestServer.Endpoint database;

    @BeforeAll
    static void migrateAnEmptyDatabase() {
        database = PostgresTestServer.createDatabase("schema_" + UUID.randomUUID().toString().replace("-", ""),
                "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
        PostgresTestServer.migrate(database);
    }

    @Test
    void everyMigrationAppliesToAnEmptyDatabase() throws SQLException {
        MigrationInfo[] applied = Flyway.configure()
                .dataSource(database.jdbcUrl(), database.user(), database.password())
                .locations("classpath:db/migration")
                .load().info().applied();
        assertThat(applied).isNotEmpty();
        assertThat(applied[0].getVersion().getVersion()).isEqualTo("1");
        assertThat(Arrays.asList(applied)).allSatisfy(migration ->
                assertThat(migration.getState()).isEqualTo(MigrationState.SUCCESS));
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_name IN ('tenants', 'storage_nodes', 'ring_epoch', 'pending_changes', 'hints',"
                + " 'coordinators')")).isEqualTo(6);
    }

    @Test
    void anUpgradeCarriesEachTenantsLastCompleteRepairOverAsAWholeRingRepair() throws SQLException {
        PostgresTestServer.Endpoint old = PostgresTestServer.createDatabase(
                "upgrade_" + UUID.randomUUID().toString().replace("-", ""), "");
        Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).locations("classpath:db/migration")
                .target("17").load().migrate();
        try (Connection connection = old.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO repair_schedule (tenant_id, last_repaired_at) VALUES"
                    + " ('acme', '2026-11-30T10:00:00Z'), ('globex', NULL)");
        }

        Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).locations("classpath:db/migration")
                .load().migrate();

        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(old.jdbcUrl());
        source.setUser(old.user());
        source.setPassword(old.password());
        assertThat(new PostgresRepairStore(source).repairedRanges()).containsExactly(
                new RangeRepairedAsOf(new TenantId("acme"), new TokenRange(Token.MIN, Token.MIN),
                        Instant.parse("2026-11-30T10:00:00Z")));
    }

    @Test
    void theRingStartsAtEpochZeroInASingleRow() throws SQLException {
        assertThat(query("SELECT epoch FROM ring_epoch")).isZero();
        assertRefused("INSERT INTO ring_epoch (id, epoch) VALUES (false, 1)", CHECK_VIOLATION);
        assertRefused("INSERT INTO ring_epoch (epoch) VALUES (1)", "23505");
    }

    @Test
    void refusesAReplicationFactorBelowOne() {
        assertRefused(tenant("rf-zero", 0), CHECK_VIOLATION);
    }

    @Test
    void acceptsAReplicationFactorOfSevenBecauseTheServiceOwnsTheUpperBound() throws SQLException {
        execute(tenant("rf-seven", 7));
        assertThat(query("SELECT replication_factor FROM tenants WHERE tenant_id = 'rf-seven'")).isEqualTo(7);
    }

    @Test
    void refusesATenantIdTheDomainRefuses() {
        assertRefused(tenant("no spaces", 3), CHECK_VIOLATION);
        assertRefused(tenant("", 3), CHECK_VIOLATION);
    }

    @Test
    void refusesANodeStateOrLivenessTheDomainDoesNotKnow() {
        assertRefused(node("bad-state", 7001, "DOWN", "UP"), CHECK_VIOLATION);
        assertRefused(node("bad-liveness", 7001, "NORMAL", "MAYBE"), CHECK_VIOLATION);
    }

    @Test
    void refusesAPortOutsideTheTcpRange() throws SQLException {
        assertRefused(node("port-zero", 0, "NORMAL", "UP"), CHECK_VIOLATION);
        assertRefused(node("port-high", 65536, "NORMAL", "UP"), CHECK_VIOLATION);
        execute(node("port-max", 65535, "NORMAL", "UP"));
    }

    @Test
    void sortsIdentifiersByteWiseAsTheCodeComparesThem() throws SQLException {
        List<String> ids = List.of("node-b", "Node-B", "node_a", "node.a", "node-a");
        for (String id : ids) {
            execute(node(id, 7001, "NORMAL", "UP"));
        }
        List<String> sorted = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT node_id FROM storage_nodes WHERE node_id ILIKE 'node%'"
                     + " ORDER BY node_id")) {
            while (rows.next()) {
                sorted.add(rows.getString(1));
            }
        }
        assertThat(sorted).containsExactlyElementsOf(ids.stream().sorted().toList());
    }

    @Test
    void refusesAHintThatIsBothAValueAndATombstone() {
        assertRefused("INSERT INTO hints (target_node_id, tenant_id, key, token, value, tombstone, vector_clock,"
                + " timestamp_ms, created_at) VALUES ('n1', 'acme', 'k', 1, '\\x01', true, '{\"c1\": 1}', 1, now())",
                CHECK_VIOLATION);
    }

    @Test
    void refusesAHintWithNoKeyOrTwoKeys() {
        String columns = "INSERT INTO hints (target_node_id, tenant_id, key, key_utf8, token, value, tombstone,"
                + " vector_clock, timestamp_ms, created_at) VALUES ('n1', 'acme', ";
        assertRefused(columns + "NULL, NULL, 1, NULL, true, '{\"c1\": 1}', 1, now())", CHECK_VIOLATION);
        assertRefused(columns + "'k', '\\x6b', 1, NULL, true, '{\"c1\": 1}', 1, now())", CHECK_VIOLATION);
    }

    private static String tenant(String id, int rf) {
        return "INSERT INTO tenants (tenant_id, replication_factor, created_at, updated_at, version)"
                + " VALUES ('" + id + "', " + rf + ", now(), now(), 1)";
    }

    private static String node(String id, int port, String state, String liveness) {
        return "INSERT INTO storage_nodes (node_id, host, port, virtual_nodes, state, liveness, created_at, updated_at)"
                + " VALUES ('" + id + "', '127.0.0.1', " + port + ", 150, '" + state + "', '" + liveness + "', now(), now())";
    }

    private static void assertRefused(String sql, String sqlState) {
        assertThatThrownBy(() -> execute(sql))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(sqlState));
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long query(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
