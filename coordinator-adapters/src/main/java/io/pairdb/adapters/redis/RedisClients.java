package io.pairdb.adapters.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Lettuce client of the idempotency store, built in one place from the settings: the URI
 * ({@code rediss://} for TLS), an ACL user name and password kept apart from it (so the URI can
 * live in a ConfigMap and the secrets in a Secret), and the private CA the server's certificate is
 * verified against (host name included). Without a CA file, TLS verifies against the JDK's
 * default trust store.
 */
public final class RedisClients {

    /**
     * @param uri {@code redis://host:port} or {@code rediss://host:port}
     * @param username an ACL user; empty for the {@code default} user
     * @param password its password; empty for none
     * @param caFile the CA bundle (PEM) the server's certificate is verified against; needs {@code rediss://}
     * @param timeout the command timeout
     */
    public record Settings(String uri, Optional<String> username, Optional<String> password, Optional<Path> caFile,
                           Duration timeout) {
        public Settings {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private RedisClients() {
    }

    /**
     * A client that has not connected yet.
     *
     * @throws IllegalArgumentException when the URI cannot be read, a CA file is given for a
     *                                  plaintext URI, or the CA file cannot be read
     */
    public static RedisClient create(Settings settings) {
        RedisURI uri = RedisURI.create(settings.uri());
        settings.password().filter(p -> !p.isEmpty()).ifPresent(password -> {
            Optional<String> user = settings.username().filter(u -> !u.isEmpty());
            if (user.isPresent()) {
                uri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                        () -> io.lettuce.core.RedisCredentials.just(user.get(), password)));
            } else {
                uri.setPassword(password.toCharArray());
            }
        });
        if (settings.username().filter(u -> !u.isEmpty()).isPresent() && settings.password().filter(p -> !p.isEmpty()).isEmpty()) {
            throw new IllegalArgumentException("an ACL user name needs its password");
        }
        ClientOptions.Builder options = ClientOptions.builder()
                // fail at once while Redis is away instead of queueing: the write path has a policy for that
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()));
        if (settings.caFile().isPresent()) {
            Path ca = settings.caFile().get();
            if (!uri.isSsl()) {
                throw new IllegalArgumentException("a CA file is set but the URI " + settings.uri()
                        + " is plaintext; use rediss://");
            }
            if (!Files.isReadable(ca)) {
                throw new IllegalArgumentException("the Redis CA file " + ca + " does not exist or cannot be read");
            }
            uri.setVerifyPeer(io.lettuce.core.SslVerifyMode.FULL);
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(ca.toFile()).build());
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(options.build());
        return client;
    }
}
