package io.pairdb.storage.server;

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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java's advanced TLS key and trust managers filled from PEM files that are checked every
 * period and re-read once they changed (modification time or size), so renewed certificates
 * apply to new connections without a restart; grpc-java's own file watching allows no period
 * under a minute. At start a file that cannot be used is an error; later, a failed read (a file
 * half written, a key that does not match) keeps the previous credentials and is retried at the
 * next change. Both sides of a storage node's connections use it: the node's server and the
 * coordinator's channels to it.
 */
public final class ReloadingTls {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTls.class);

    private ReloadingTls() {
    }

    /** A key manager holding the certificate chain and key read from these files. */
    public static AdvancedTlsX509KeyManager identity(Path certificateFile, Path keyFile, Duration period,
                                                     ScheduledExecutorService watcher)
            throws IOException, GeneralSecurityException {
        AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
        Reload reload = () -> {
            X509Certificate[] chain = CertificateUtils.getX509Certificates(read(certificateFile));
            PrivateKey key = CertificateUtils.getPrivateKey(read(keyFile));
            keys.updateIdentityCredentials(chain, key);
        };
        reload.run();
        watch(List.of(certificateFile, keyFile), reload, period, watcher);
        return keys;
    }

    /** A trust manager holding the CA bundle read from this file, verifying as {@code verification} says. */
    public static AdvancedTlsX509TrustManager authorities(Path caFile, AdvancedTlsX509TrustManager.Verification verification,
                                                          Duration period, ScheduledExecutorService watcher)
            throws IOException, GeneralSecurityException {
        AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
        Reload reload = () -> trust.updateTrustCredentials(CertificateUtils.getX509Certificates(read(caFile)));
        reload.run();
        watch(List.of(caFile), reload, period, watcher);
        return trust;
    }

    @FunctionalInterface
    private interface Reload {
        void run() throws IOException, GeneralSecurityException;
    }

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
            stamps.add(Files.getLastModifiedTime(file) + "/" + Files.size(file));
        }
        return stamps;
    }

    private static InputStream read(Path file) throws IOException {
        return new ByteArrayInputStream(Files.readAllBytes(file));
    }

    /** The exception's message, or its type when it has none. */
    public static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
