package io.pairdb.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pairdb.embedded.EmbeddedRedis;
import io.pairdb.embedded.tls.CertificateAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idempotency store's client against the embedded redis-server serving TLS only, with a
 * certificate from a private CA issued at test time and an ACL user: real handshakes; the wrong
 * CA, a wrong host name, a wrong password and plaintext are all refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTest {
    @TempDir
    static Path dir;

    private EmbeddedRedis redis;

    @BeforeAll
    void start() {
        CertificateAuthority ca = CertificateAuthority.create("redis CA", Duration.ofDays(1));
        ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        // the certificate names 127.0.0.1 only, so "localhost" (also 127.0.0.1 here) is a name it lacks
        ca.issueServer(List.of(), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("redis.pem"), dir.resolve("redis.key"));
        CertificateAuthority.create("other CA", Duration.ofDays(1)).writeTo(dir.resolve("other.pem"), dir.resolve("other.key"));
        redis = EmbeddedRedis.builder().tls(dir.resolve("redis.pem"), dir.resolve("redis.key"), dir.resolve("ca.pem"))
                .user("pairdb", "s3cret").start();
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private RedisClients.Settings settings(String uri, String password, Optional<Path> ca) {
        return new RedisClients.Settings(uri, Optional.of("pairdb"), Optional.of(password), ca, Duration.ofSeconds(5));
    }

    private static String setAndGet(RedisClients.Settings settings) {
        RedisClient client = RedisClients.create(settings);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().set("tls-probe", "ok");
            return connection.sync().get("tls-probe");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theAclUserConnectsOverTlsVerifyingTheServerAgainstThePrivateCa() {
        assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
        assertThat(setAndGet(settings(redis.uri(), "s3cret", Optional.of(dir.resolve("ca.pem"))))).isEqualTo("ok");
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() {
        assertThatThrownBy(() -> setAndGet(settings(redis.uri(), "s3cret", Optional.of(dir.resolve("other.pem")))))
                .isInstanceOf(RedisConnectionException.class).hasStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void aHostNameTheCertificateDoesNotCarryIsRefused() {
        String unnamed = "rediss://localhost:" + redis.port();
        assertThatThrownBy(() -> setAndGet(settings(unnamed, "s3cret", Optional.of(dir.resolve("ca.pem")))))
                .isInstanceOf(RedisConnectionException.class).hasStackTraceContaining("localhost")
                .hasStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThatThrownBy(() -> setAndGet(settings(redis.uri(), "wrong", Optional.of(dir.resolve("ca.pem")))))
                .isInstanceOf(RedisConnectionException.class).hasStackTraceContaining("WRONGPASS");
    }

    @Test
    void aPlaintextClientGetsNowhere() {
        String plaintext = "redis://127.0.0.1:" + redis.port();
        assertThatThrownBy(() -> setAndGet(new RedisClients.Settings(plaintext, Optional.of("pairdb"),
                Optional.of("s3cret"), Optional.empty(), Duration.ofSeconds(2)))).isInstanceOf(RuntimeException.class);
    }

    @Test
    void aCaFileWithAPlaintextUriIsAConfigurationError() {
        assertThatThrownBy(() -> RedisClients.create(settings("redis://127.0.0.1:" + redis.port(), "s3cret",
                Optional.of(dir.resolve("ca.pem"))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rediss://");
    }
}
