package io.pairdb.adapters.storage;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.pairdb.core.node.StorageNode;
import io.pairdb.storage.server.ReloadingTls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How the coordinator's channels to storage nodes are secured: plaintext, or TLS that verifies
 * the node's certificate (chain and host name) against a private CA and, when given, presents
 * the coordinator's own client certificate for nodes that require one. The files are re-read
 * when they change, so renewed certificates apply to new connections without a restart.
 */
public final class StorageNodeTls implements AutoCloseable {

    /**
     * @param caFile the CA bundle node certificates are verified against (PEM)
     * @param certificateFile the coordinator's client certificate (PEM), with {@code keyFile}
     * @param keyFile its private key (PKCS#8 PEM)
     * @param refreshInterval how often the files are checked for changes
     */
    public record Files(Path caFile, Optional<Path> certificateFile, Optional<Path> keyFile, Duration refreshInterval) {
        public Files {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            if (certificateFile.isPresent() != keyFile.isPresent()) {
                throw new IllegalArgumentException("the client certificate and its key go together");
            }
            if (refreshInterval.isNegative() || refreshInterval.isZero()) {
                throw new IllegalArgumentException("the refresh interval must be positive, was " + refreshInterval);
            }
        }
    }

    private final ChannelCredentials credentials;
    private final Optional<ScheduledExecutorService> watcher;

    private StorageNodeTls(ChannelCredentials credentials, Optional<ScheduledExecutorService> watcher) {
        this.credentials = credentials;
        this.watcher = watcher;
    }

    /** Plaintext channels. */
    public static StorageNodeTls plaintext() {
        return new StorageNodeTls(InsecureChannelCredentials.create(), Optional.empty());
    }

    /**
     * TLS channels with these files, read now and re-read when they change.
     *
     * @throws IllegalArgumentException naming the files when one cannot be used
     */
    public static StorageNodeTls start(Files files) {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("storage-tls-files").daemon(true).factory());
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(
                    ReloadingTls.authorities(files.caFile(),
                            AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION,
                            files.refreshInterval(), watcher));
            if (files.certificateFile().isPresent()) {
                builder.keyManager(ReloadingTls.identity(files.certificateFile().get(), files.keyFile().orElseThrow(),
                        files.refreshInterval(), watcher));
            }
            return new StorageNodeTls(builder.build(), Optional.of(watcher));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            watcher.shutdownNow();
            throw new IllegalArgumentException("could not use the storage-node TLS files " + files.caFile()
                    + files.certificateFile().map(c -> ", " + c).orElse("") + files.keyFile().map(k -> ", " + k).orElse("")
                    + ": " + ReloadingTls.describe(e), e);
        }
    }

    /** Whether channels use TLS. */
    public boolean enabled() {
        return watcher.isPresent();
    }

    /** A channel builder to {@code node} with these credentials. */
    NettyChannelBuilder channelTo(StorageNode node) {
        return NettyChannelBuilder.forAddress(node.host(), node.port(), credentials);
    }

    /** Stops checking the files. */
    @Override
    public void close() {
        watcher.ifPresent(ScheduledExecutorService::shutdownNow);
    }
}
