package io.pairdb.storage.server;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for a storage node's gRPC port: its certificate and key and, when a client CA is given,
 * mutual TLS that refuses every client without a certificate that CA signed. The files are held
 * by grpc-java's advanced TLS key and trust managers and checked every {@code refreshInterval};
 * when one changed they are re-read, so a renewed certificate applies to new connections without
 * a restart. A file that cannot be used at start is an error; later, a file that cannot be used
 * (half written, a key that does not match) leaves the previous credentials in place.
 */
public final class NodeTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTls.class);

    /**
     * @param certificateFile the node's certificate chain (PEM)
     * @param keyFile its private key (PKCS#8 PEM)
     * @param clientCaFile when present, clients must present a certificate this CA bundle signed
     */
    public record Files(Path certificateFile, Path keyFile, Optional<Path> clientCaFile, Duration refreshInterval) {
        public Files {
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(clientCaFile, "clientCaFile");
            Settings.positive(refreshInterval, "the TLS refresh interval");
        }
    }

    private final ServerCredentials credentials;
    private final ScheduledExecutorService watcher;

    private NodeTls(ServerCredentials credentials, ScheduledExecutorService watcher) {
        this.credentials = credentials;
        this.watcher = watcher;
    }

    /**
     * Reads the files and starts re-reading them when they change.
     *
     * @throws IllegalArgumentException naming the file when one cannot be used
     */
    public static NodeTls start(Files files) {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tls-files").daemon(true).factory());
        try {
            AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
            Reload identity = () -> {
                X509Certificate[] chain = CertificateUtils.getX509Certificates(read(files.certificateFile()));
                PrivateKey key = CertificateUtils.getPrivateKey(read(files.keyFile()));
                keys.updateIdentityCredentials(chain, key);
            };
            identity.run();
            watch(List.of(files.certificateFile(), files.keyFile()), identity, files.refreshInterval(), watcher);
            TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keys);
            if (files.clientCaFile().isPresent()) {
                Path ca = files.clientCaFile().get();
                AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
                Reload authorities = () -> trust.updateTrustCredentials(CertificateUtils.getX509Certificates(read(ca)));
                authorities.run();
                watch(List.of(ca), authorities, files.refreshInterval(), watcher);
                builder.trustManager(trust).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            LOG.info("TLS with {} (client certificates {}; files checked every {})", files.certificateFile(),
                    files.clientCaFile().map(ca -> "required, signed by " + ca).orElse("not asked for"),
                    files.refreshInterval());
            return new NodeTls(builder.build(), watcher);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            watcher.shutdownNow();
            throw new IllegalArgumentException("could not use the TLS files " + files.certificateFile() + ", "
                    + files.keyFile() + files.clientCaFile().map(ca -> ", " + ca).orElse("") + ": " + describe(e), e);
        }
    }

    /** What the server is built with. */
    public ServerCredentials credentials() {
        return credentials;
    }

    /** Stops checking the files. */
    @Override
    public void close() {
        watcher.shutdownNow();
    }

    @FunctionalInterface
    private interface Reload {
        void run() throws IOException, GeneralSecurityException;
    }

    /** Re-reads the files once any of them changed (modification time or size). */
    private static void watch(List<Path> files, Reload reload, Duration period, ScheduledExecutorService watcher)
            throws IOException {
        AtomicReference<List<String>> seen = new AtomicReference<>(stamps(files));
        watcher.scheduleWithFixedDelay(() -> {
            try {
                List<String> now = stamps(files);
                if (now.equals(seen.get())) {
                    return;
                }
                seen.set(now);
                reload.run();
                LOG.atInfo().addKeyValue("event", "tls_files_reloaded").log("TLS files {} re-read", files);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.atWarn().addKeyValue("event", "tls_reload_failed")
                        .log("could not re-read the TLS files {} ({}); the previous ones stay in use", files, describe(e));
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static List<String> stamps(List<Path> files) throws IOException {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            stamps.add(java.nio.file.Files.getLastModifiedTime(file) + "/" + java.nio.file.Files.size(file));
        }
        return stamps;
    }

    private static InputStream read(Path file) throws IOException {
        return new ByteArrayInputStream(java.nio.file.Files.readAllBytes(file));
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
