package io.pairdb.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;
import redis.embedded.model.OsArchitecture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real redis-server (the binary bundled in codemonstur's embedded-redis) on 127.0.0.1, in the foreground.
 *
 * <p>It can be stopped and started again on the same port, which lets tests make Redis unavailable and bring it
 * back. Without a data directory nothing is persisted (no RDB snapshots, no AOF); with one, the append-only file
 * in that directory keeps the data across restarts and JVM runs.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private static final String HOST = "127.0.0.1";
    private static final int PORT_ATTEMPTS = 3;

    private final RedisServer server;
    private final int port;
    private final boolean tls;

    private EmbeddedRedis(RedisServer server, int port, boolean tls) {
        this.server = server;
        this.port = port;
        this.tls = tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} when it serves TLS, as understood by Lettuce. */
    public String uri() {
        return (tls ? "rediss://" : "redis://") + HOST + ":" + port;
    }

    public boolean isRunning() {
        return server.isActive();
    }

    /** Starts the server (again) on the same port and returns once it accepts connections; no-op if running. */
    public synchronized EmbeddedRedis start() {
        if (server.isActive()) {
            return this;
        }
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Redis on " + HOST + ":" + port, e);
        }
        log.info("Redis started on {}:{}", HOST, port);
        return this;
    }

    /** Stops the server and waits for the process to exit; no-op if not running. */
    public synchronized void stop() {
        if (!server.isActive()) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop Redis on " + HOST + ":" + port, e);
        }
        log.info("Redis on {}:{} stopped", HOST, port);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Copies the bundled binary once into a shared cache. The library's default provider writes a fresh copy per
     * server into a temporary directory; we write to a temporary file and rename it into place instead, so that
     * concurrent JVMs never execute a half-written file.
     */
    private static File cachedBinary(Path cacheDirectory) throws IOException {
        String resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
        if (resource == null) {
            throw new IllegalStateException("embedded-redis bundles no redis-server for this OS/architecture");
        }
        Path target = cacheDirectory.toAbsolutePath().resolve(resource.substring(resource.lastIndexOf('/') + 1));
        if (Files.isExecutable(target)) {
            return target.toFile();
        }
        Files.createDirectories(cacheDirectory);
        Path staging = Files.createTempFile(cacheDirectory, target.getFileName().toString(), ".tmp");
        try (InputStream in = RedisServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found in the embedded-redis jar");
            }
            Files.copy(in, staging, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(staging, FileTrees.permissions(0755));
            // rename(2) replaces atomically, so a racing JVM's identical copy is fine either way
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staging);
        }
        return target.toFile();
    }

    /** Options of a server; {@link #start()} starts it and waits until it accepts connections. */
    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private Path cacheDirectory = Path.of(System.getProperty("java.io.tmpdir"), "pairdb-embedded-redis");
        private Path tlsCertificate;
        private Path tlsKey;
        private Path tlsCa;
        private String user;
        private String userPassword;

        private Builder() {
        }

        /** TCP port on 127.0.0.1; 0 (the default) picks a free one, kept across stop/start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Enables persistence (append-only file) in this directory; without it nothing is written to disk. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Serves TLS only (no plaintext port) with this certificate and key (PEM); the bundled
         * redis-server is built with TLS, linked against the system's OpenSSL 3. Clients need no
         * certificate; {@code caFile} is what Redis would verify them against.
         */
        public Builder tls(Path certificateFile, Path keyFile, Path caFile) {
            this.tlsCertificate = certificateFile.toAbsolutePath();
            this.tlsKey = keyFile.toAbsolutePath();
            this.tlsCa = caFile.toAbsolutePath();
            return this;
        }

        /** An ACL user with every permission and this password; the {@code default} user is then turned off. */
        public Builder user(String name, String password) {
            if (!name.matches("[A-Za-z0-9_-]+") || !password.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("user name and password: letters, digits, '_' and '-' only");
            }
            this.user = name;
            this.userPassword = password;
            return this;
        }

        /** Where the redis-server binary is copied once and shared between runs. */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = cacheDirectory;
            return this;
        }

        public EmbeddedRedis start() {
            for (int attempt = 1; ; attempt++) {
                int chosen = port == 0 ? FreePorts.pick() : port;
                try {
                    return new EmbeddedRedis(configure(chosen), chosen, tlsCertificate != null).start();
                } catch (UncheckedIOException e) {
                    // the port we picked can be taken by someone else before redis binds it
                    if (port != 0 || attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
                    log.info("Redis could not start on port {}, retrying with another one: {}", chosen, e.getMessage());
                }
            }
        }

        private RedisServer configure(int chosen) {
            Path cache = cacheDirectory;
            try {
                RedisServerBuilder builder = RedisServer.newRedisServer()
                    .executableProvider(() -> cachedBinary(cache))
                    .bind(HOST)
                    // with TLS, no plaintext port at all
                    .port(tlsCertificate == null ? chosen : 0)
                    // the library waits for the "ready" line on stdout and stops the process it started
                    .setting("daemonize no")
                    .setting("save \"\"")
                    .soutListener(line -> log.debug("redis[{}] {}", chosen, line))
                    .serrListener(line -> log.warn("redis[{}] {}", chosen, line));
                if (tlsCertificate != null) {
                    builder.setting("tls-port " + chosen)
                        .setting("tls-cert-file " + quoted(tlsCertificate))
                        .setting("tls-key-file " + quoted(tlsKey))
                        .setting("tls-ca-cert-file " + quoted(tlsCa))
                        .setting("tls-auth-clients no");
                }
                if (user != null) {
                    builder.setting("user " + user + " on >" + userPassword + " ~* &* +@all")
                        .setting("user default off");
                }
                if (dataDirectory == null) {
                    builder.setting("appendonly no");
                } else {
                    Path dir = Files.createDirectories(dataDirectory).toAbsolutePath();
                    builder.setting("dir " + quoted(dir))
                        .setting("appendonly yes");
                }
                return builder.build();
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare Redis on port " + chosen, e);
            }
        }

        private static String quoted(Path path) {
            return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
