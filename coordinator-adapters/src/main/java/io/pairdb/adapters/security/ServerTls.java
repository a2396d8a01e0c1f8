package io.pairdb.adapters.security;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the gRPC port: the server's certificate and key, and, for mutual TLS, the CA that
 * signs client certificates, held by grpc-java's advanced TLS key and trust managers. The files
 * are checked every {@code refreshInterval} and re-read when they changed, so a renewed
 * certificate from cert-manager or a rotated CA applies to new connections without a restart; a
 * file that cannot be used then leaves the previous credentials in place. At start a file that
 * cannot be used is an error.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** Whether clients must, may or need not present a certificate. */
    public enum ClientCertificates {
        NONE, OPTIONAL, REQUIRE;

        public static ClientCertificates parse(String text) {
            return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> NONE;
                case "optional" -> OPTIONAL;
                case "require" -> REQUIRE;
                default -> throw new IllegalArgumentException("must be none, optional or require, was '" + text + "'");
            };
        }
    }

    /**
     * @param certificateFile the server's certificate chain (PEM)
     * @param keyFile its private key (PKCS#8 PEM: {@code BEGIN PRIVATE KEY})
     * @param clientCaFile the CA bundle client certificates are verified against; needed unless
     *                     {@code clientCertificates} is NONE
     */
    public record Settings(Path certificateFile, Path keyFile, Optional<Path> clientCaFile,
                           ClientCertificates clientCertificates, Duration refreshInterval) {
        public Settings {
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(clientCaFile, "clientCaFile");
            Objects.requireNonNull(clientCertificates, "clientCertificates");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            if (clientCertificates != ClientCertificates.NONE && clientCaFile.isEmpty()) {
                throw new IllegalArgumentException("client certificates " + clientCertificates.name().toLowerCase()
                        + " need a client CA file to verify them against");
            }
            if (refreshInterval.isNegative() || refreshInterval.isZero()) {
                throw new IllegalArgumentException("the refresh interval must be positive, was " + refreshInterval);
            }
        }
    }

    private final SslContext context;
    private final List<AutoCloseable> reloads;

    private ServerTls(SslContext context, List<AutoCloseable> reloads) {
        this.context = context;
        this.reloads = reloads;
    }

    /**
     * Reads the files and schedules their re-reading on {@code scheduler}.
     *
     * @throws IllegalArgumentException naming the file when one cannot be used
     */
    public static ServerTls start(Settings settings, ScheduledExecutorService scheduler) {
        List<AutoCloseable> reloads = new ArrayList<>();
        try {
            readable(settings.certificateFile(), "certificate");
            readable(settings.keyFile(), "key");
            AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
            Reload identity = () -> {
                X509Certificate[] chain = CertificateUtils.getX509Certificates(read(settings.certificateFile()));
                PrivateKey key = CertificateUtils.getPrivateKey(read(settings.keyFile()));
                matching(chain, key);
                keys.updateIdentityCredentials(chain, key);
            };
            identity.run();
            reloads.add(watch(List.of(settings.certificateFile(), settings.keyFile()), "certificate and key", identity,
                    settings.refreshInterval(), scheduler));
            SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(keys));
            if (settings.clientCertificates() != ClientCertificates.NONE) {
                Path ca = settings.clientCaFile().orElseThrow();
                readable(ca, "client CA");
                AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
                Reload authorities = () -> trust.updateTrustCredentials(CertificateUtils.getX509Certificates(read(ca)));
                authorities.run();
                reloads.add(watch(List.of(ca), "client CA", authorities, settings.refreshInterval(), scheduler));
                builder.trustManager(trust).clientAuth(settings.clientCertificates() == ClientCertificates.REQUIRE
                        ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            ServerTls tls = new ServerTls(builder.build(), reloads);
            LOG.info("TLS on the gRPC port with {} (client certificates: {}; files re-read every {})",
                    settings.certificateFile(), settings.clientCertificates().name().toLowerCase(),
                    settings.refreshInterval());
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            closeAll(reloads);
            throw new IllegalArgumentException("could not use the TLS files (" + settings.certificateFile() + ", "
                    + settings.keyFile() + settings.clientCaFile().map(ca -> ", " + ca).orElse("") + "): "
                    + describe(e), e);
        } catch (RuntimeException e) {
            closeAll(reloads);
            throw e;
        }
    }

    @FunctionalInterface
    private interface Reload {
        void run() throws IOException, GeneralSecurityException;
    }

    /**
     * Re-reads the files every period once any of them changed (modification time or size);
     * grpc-java's own file watching allows no period under a minute. A failed read (a file
     * half-written, a key that does not match its certificate) keeps the previous credentials
     * and is tried again at the next change.
     */
    private static AutoCloseable watch(List<Path> files, String what, Reload reload, Duration period,
                                       ScheduledExecutorService scheduler) throws IOException {
        AtomicReference<List<String>> seen = new AtomicReference<>(stamps(files));
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> {
            try {
                List<String> now = stamps(files);
                if (now.equals(seen.get())) {
                    return;
                }
                seen.set(now);
                reload.run();
                LOG.atInfo().addKeyValue("event", "tls_files_reloaded").log("TLS {} re-read from {}", what, files);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.atWarn().addKeyValue("event", "tls_reload_failed")
                        .log("could not re-read the TLS {} from {} ({}); the previous ones stay in use", what, files,
                                describe(e));
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    private static List<String> stamps(List<Path> files) throws IOException {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            stamps.add(Files.getLastModifiedTime(file) + "/" + Files.size(file));
        }
        return stamps;
    }

    private static InputStream read(Path file) throws IOException {
        return new ByteArrayInputStream(Files.readAllBytes(file));
    }

    /** Fails unless the key signs what the certificate's public key verifies. */
    private static void matching(X509Certificate[] chain, PrivateKey key) throws GeneralSecurityException {
        if (chain.length == 0) {
            throw new GeneralSecurityException("the certificate file holds no certificate");
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
        byte[] probe = "pairdb".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(chain[0].getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    public SslContext sslContext() {
        return context;
    }

    /** Stops re-reading the files. */
    @Override
    public void close() {
        closeAll(reloads);
    }

    private static void readable(Path file, String what) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("the TLS " + what + " file " + file + " does not exist or cannot be read");
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof SSLException || e.getMessage() == null) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return e.getMessage();
    }

    private static void closeAll(List<AutoCloseable> reloads) {
        for (AutoCloseable reload : reloads) {
            try {
                reload.close();
            } catch (Exception e) {
                LOG.warn("could not stop re-reading a TLS file: {}", e.getMessage());
            }
        }
    }
}
