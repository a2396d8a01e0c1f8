package io.pairdb.app.dev;

import io.pairdb.adapters.runtime.SecureRandomBytes;
import io.pairdb.core.security.ApiKeyToken;
import io.pairdb.embedded.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Dev mode's security, with no step for the developer: a private CA and an admin token kept in
 * the PairDB home ({@code $PAIRDB_HOME}, else {@code ~/.pairdb}), where {@code pairdb-admin}
 * looks by default, and a server certificate for this machine signed by that CA. The CA and the
 * token are made once and shared by every dev instance (each registers the token as its
 * bootstrap admin key), so several instances side by side never overwrite each other's.
 */
public final class DevCredentials implements AutoCloseable {
    public static final String HOME_VARIABLE = "PAIRDB_HOME";
    static final String CA_FILE = "ca.pem";
    static final String CA_KEY_FILE = "ca-key.pem";
    static final String TOKEN_FILE = "token";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(30);

    private final Path home;
    private final Path serverDirectory;

    private DevCredentials(Path home, Path serverDirectory) {
        this.home = home;
        this.serverDirectory = serverDirectory;
    }

    /** {@code $PAIRDB_HOME}, else {@code ~/.pairdb}. */
    public static Path home(Map<String, String> environment) {
        return Optional.ofNullable(environment.get(HOME_VARIABLE)).filter(v -> !v.isBlank()).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".pairdb"));
    }

    /** Makes the CA and the token in {@code home} unless they are there, and a server certificate. */
    public static DevCredentials prepare(Path home) {
        try {
            Files.createDirectories(home);
            CertificateAuthority ca;
            // another dev instance may be starting now: one makes the files, the others use them
            try (FileChannel lockFile = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                ca = certificateAuthority(home);
                token(home);
            }
            Path server = Files.createTempDirectory("pairdb-dev-tls-");
            ca.issueServer(dnsNames(), List.of("127.0.0.1", "::1"), SERVER_VALIDITY)
                    .writeTo(server.resolve("server.pem"), server.resolve("server-key.pem"));
            return new DevCredentials(home, server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare dev mode's credentials in " + home, e);
        }
    }

    /** The settings that give the coordinator TLS and the admin key. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pairdb.security.tls.cert-file", serverDirectory.resolve("server.pem").toString());
        p.put("pairdb.security.tls.key-file", serverDirectory.resolve("server-key.pem").toString());
        p.put("pairdb.security.bootstrap-token-file", tokenFile().toString());
        return p;
    }

    public Path caFile() {
        return home.resolve(CA_FILE);
    }

    public Path tokenFile() {
        return home.resolve(TOKEN_FILE);
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.list(serverDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(serverDirectory);
        } catch (IOException e) {
            // a temporary directory; the OS cleans it up eventually
        }
    }

    private static CertificateAuthority certificateAuthority(Path home) {
        Path cert = home.resolve(CA_FILE);
        Path key = home.resolve(CA_KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            return CertificateAuthority.load(cert, key);
        }
        if (Files.exists(cert) || Files.exists(key)) {
            throw new IllegalStateException(home + " holds " + (Files.exists(cert) ? CA_FILE + " without " + CA_KEY_FILE
                    : CA_KEY_FILE + " without " + CA_FILE) + "; dev mode keeps its own CA there and will not replace"
                    + " another: move the file away or set " + HOME_VARIABLE + " to another directory");
        }
        CertificateAuthority ca = CertificateAuthority.create("PairDB dev CA", CA_VALIDITY);
        ca.writeTo(cert, key);
        return ca;
    }

    private static void token(Path home) throws IOException {
        Path file = home.resolve(TOKEN_FILE);
        if (Files.exists(file)) {
            return;
        }
        SecureRandomBytes random = new SecureRandomBytes();
        String token = ApiKeyToken.generate(random.next(ApiKeyToken.ID_BYTES), random.next(ApiKeyToken.SECRET_BYTES))
                .reveal();
        Path temp = Files.createTempFile(home, ".token", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> dnsNames() {
        List<String> names = new ArrayList<>(List.of("localhost"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!names.contains(host)) {
                names.add(host);
            }
        } catch (UnknownHostException e) {
            // localhost and the loopback addresses are enough
        }
        return names;
    }
}
