package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pairdb.embedded.EmbeddedPostgres;
import io.pairdb.embedded.tls.CertificateAuthority;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's datasource (Hikari over pgjdbc, configured by URL parameters only) against the
 * embedded PostgreSQL serving TLS with a certificate from a private CA issued at test time:
 * {@code sslmode=verify-full} with the CA connects over TLS; another CA or a host name the
 * certificate does not carry is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresTlsTest {
    @TempDir
    static Path dir;

    private EmbeddedPostgres postgres;

    @BeforeAll
    void start() {
        CertificateAuthority ca = CertificateAuthority.create("postgres CA", Duration.ofDays(1));
        ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        // 127.0.0.1 only: "localhost" (also 127.0.0.1 here) is a name the certificate lacks
        ca.issueServer(List.of(), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("server.pem"), dir.resolve("server.key"));
        CertificateAuthority.create("other CA", Duration.ofDays(1)).writeTo(dir.resolve("other.pem"), dir.resolve("other.key"));
        postgres = EmbeddedPostgres.builder().tls(dir.resolve("server.pem"), dir.resolve("server.key")).start();
    }

    @AfterAll
    void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private String url(String host, Path ca) {
        return "jdbc:postgresql://" + host + ":" + postgres.port() + "/postgres?sslmode=verify-full&sslrootcert=" + ca;
    }

    private boolean connectedOverTls(String url) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(1);
        try (HikariDataSource dataSource = new HikariDataSource(config);
             Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(row.next()).isTrue();
            return row.getBoolean(1);
        }
    }

    @Test
    void verifyFullWithThePrivateCaConnectsOverTls() throws SQLException {
        assertThat(connectedOverTls(url("127.0.0.1", dir.resolve("ca.pem")))).isTrue();
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() {
        assertThatThrownBy(() -> connectedOverTls(url("127.0.0.1", dir.resolve("other.pem"))))
                .hasStackTraceContaining("PKIX");
    }

    @Test
    void aHostNameTheCertificateDoesNotCarryIsRefused() {
        assertThatThrownBy(() -> connectedOverTls(url("localhost", dir.resolve("ca.pem"))))
                .hasStackTraceContaining("localhost");
    }
}
