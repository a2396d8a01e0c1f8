package io.pairdb.storage.server;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for a storage node's gRPC port: its certificate and key and, when a client CA is given,
 * mutual TLS that refuses every client without a certificate that CA signed. The files are
 * re-read when they change ({@link ReloadingTls}), so a renewed certificate applies to new
 * connections without a restart.
 */
public final class NodeTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTls.class);

    /**
     * @param certificateFile the node's certificate chain (PEM)
     * @param keyFile its private key (PKCS#8 PEM)
     * @param clientCaFile when present, clients must present a certificate this CA bundle signed
     * @param refreshInterval how often the files are checked for changes
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
     * @throws IllegalArgumentException naming the files when one cannot be used
     */
    public static NodeTls start(Files files) {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("node-tls-files").daemon(true).factory());
        try {
            TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(ReloadingTls.identity(
                    files.certificateFile(), files.keyFile(), files.refreshInterval(), watcher));
            if (files.clientCaFile().isPresent()) {
                builder.trustManager(ReloadingTls.authorities(files.clientCaFile().get(),
                                AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION,
                                files.refreshInterval(), watcher))
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            LOG.info("TLS with {} (client certificates {}; files checked every {})", files.certificateFile(),
                    files.clientCaFile().map(ca -> "required, signed by " + ca).orElse("not asked for"),
                    files.refreshInterval());
            return new NodeTls(builder.build(), watcher);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            watcher.shutdownNow();
            throw new IllegalArgumentException("could not use the TLS files " + files.certificateFile() + ", "
                    + files.keyFile() + files.clientCaFile().map(ca -> ", " + ca).orElse("") + ": "
                    + ReloadingTls.describe(e), e);
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
}
