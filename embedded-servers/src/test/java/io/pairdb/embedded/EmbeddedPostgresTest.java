package io.pairdb.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EmbeddedPostgresTest {

    @TempDir
    Path tempDir;

    @BeforeEach
    void let_the_unprivileged_user_into_the_temp_dir() throws IOException {
        // as root PostgreSQL runs as "nobody", and JUnit creates its temp dir with mode 0700
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void creates_a_database_and_stores_and_reads_rows_over_jdbc() throws SQLException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            pg.createDatabase("pairdb");

            execute(pg, "pairdb", "CREATE TABLE pairs (k text PRIMARY KEY, v text NOT NULL)",
                "INSERT INTO pairs VALUES ('a', 'one'), ('b', 'two')");

            assertThat(values(pg, "pairdb", "SELECT k || '=' || v FROM pairs ORDER BY k")).containsExactly("a=one", "b=two");
            assertThat(pg.user()).isEqualTo("postgres");
            assertThat(pg.password()).isEmpty();
            assertThat(pg.jdbcUrl("pairdb")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/pairdb");
        }
    }

    @Test
    void keeps_the_data_when_restarted_on_the_same_data_directory() throws SQLException {
        Path data = tempDir.resolve("pgdata");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDirectory(data).start()) {
            pg.createDatabase("pairdb");
            execute(pg, "pairdb", "CREATE TABLE pairs (k text PRIMARY KEY)", "INSERT INTO pairs VALUES ('kept')");
        }
        assertThat(data.resolve("PG_VERSION")).exists();

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDirectory(data).start()) {
            pg.createDatabase("pairdb"); // already there: no-op

            assertThat(values(pg, "pairdb", "SELECT k FROM pairs")).containsExactly("kept");
        }
        assertThat(data).isDirectory();
    }

    @Test
    void runs_two_instances_side_by_side() throws SQLException {
        try (EmbeddedPostgres first = EmbeddedPostgres.builder().start();
             EmbeddedPostgres second = EmbeddedPostgres.builder().start()) {
            assertThat(first.port()).isNotEqualTo(second.port());

            execute(first, "postgres", "CREATE TABLE only_in_first (x int)");

            assertThat(values(first, "postgres", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"))
                .containsExactly("1");
            assertThat(values(second, "postgres", "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"))
                .containsExactly("0");
        }
    }

    @Test
    void close_stops_the_server_removes_a_temporary_data_directory_and_can_be_repeated() {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Path data = pg.dataDirectory();

        pg.close();
        pg.close();

        assertThat(data).doesNotExist();
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password()).close())
            .isInstanceOf(SQLException.class);
    }

    private static void execute(EmbeddedPostgres pg, String database, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static List<String> values(EmbeddedPostgres pg, String database, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            List<String> result = new ArrayList<>();
            while (rows.next()) {
                result.add(rows.getString(1));
            }
            return result;
        }
    }
}
