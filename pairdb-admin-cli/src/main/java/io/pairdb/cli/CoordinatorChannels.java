package io.pairdb.cli;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Channels to the coordinator as an {@link Endpoint} says: TLS or plaintext, a client certificate, a token. */
public final class CoordinatorChannels {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private CoordinatorChannels() {
    }

    /**
     * A channel builder for the endpoint.
     *
     * @throws CommandFailure when a certificate or key file cannot be used
     */
    public static ManagedChannelBuilder<?> builder(Endpoint endpoint) {
        ChannelCredentials credentials = switch (endpoint.transport()) {
            case Transport.Plaintext p -> InsecureChannelCredentials.create();
            case Transport.Tls tls -> tls(tls);
        };
        if (endpoint.token().isPresent()) {
            credentials = CompositeChannelCredentials.create(credentials, bearer(endpoint.token().get()));
        }
        ManagedChannelBuilder<?> builder;
        try {
            // the certificate and key files are parsed here, not where they were read
            builder = Grpc.newChannelBuilderForAddress(endpoint.address().host(), endpoint.address().port(), credentials);
        } catch (RuntimeException e) {
            if (endpoint.transport() instanceof Transport.Tls tls) {
                throw unusable(endpoint, tls, e);
            }
            throw e;
        }
        if (endpoint.transport() instanceof Transport.Tls tls) {
            tls.serverName().ifPresent(builder::overrideAuthority);
        }
        return builder;
    }

    /** Which of the TLS files given could not be parsed: the CA file if it cannot be used alone, else the client's. */
    private static CommandFailure unusable(Endpoint endpoint, Transport.Tls tls, RuntimeException e) {
        String why = rootMessage(e);
        if (tls.caFile().isPresent()) {
            Path ca = tls.caFile().get();
            try {
                Grpc.newChannelBuilderForAddress(endpoint.address().host(), endpoint.address().port(),
                        TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build());
            } catch (IOException | RuntimeException caFailure) {
                return CommandFailure.local("--ca-cert: cannot use " + ca + " (" + rootMessage(caFailure) + ")", e);
            }
        }
        if (tls.clientCertificate().isPresent()) {
            var client = tls.clientCertificate().get();
            return CommandFailure.local("--cert/--key: cannot use " + client.certificateFile() + " and "
                    + client.keyFile() + " (" + why + ")", e);
        }
        return CommandFailure.local("cannot use the TLS files given (" + why + ")", e);
    }

    /**
     * What was wrong, without class names: grpc-java says it for each channel provider it tried
     * ("…NettyChannelProvider: Unable to create SslContext: No certificate data found; …").
     */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage().strip() : root.getClass().getSimpleName();
        String marker = "Unable to create SslContext: ";
        int at = message.indexOf(marker);
        if (at >= 0) {
            String rest = message.substring(at + marker.length());
            int end = rest.indexOf(';');
            return (end >= 0 ? rest.substring(0, end) : rest).strip();
        }
        return message;
    }

    private static ChannelCredentials tls(Transport.Tls tls) {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        if (tls.caFile().isPresent()) {
            Path ca = tls.caFile().get();
            try {
                builder.trustManager(ca.toFile());
            } catch (IOException | RuntimeException e) {
                throw CommandFailure.local("--ca-cert: cannot use " + ca + " (" + e.getMessage() + ")", e);
            }
        } else if (tls.extraCaFile().isPresent()) {
            builder.trustManager(systemCasAnd(tls.extraCaFile().get()));
        }
        tls.clientCertificate().ifPresent(client -> {
            try {
                builder.keyManager(client.certificateFile().toFile(), client.keyFile().toFile());
            } catch (IOException | RuntimeException e) {
                throw CommandFailure.local("--cert/--key: cannot use " + client.certificateFile() + " and "
                        + client.keyFile() + " (" + e.getMessage() + ")", e);
            }
        });
        return builder.build();
    }

    /** The JVM's trusted CAs and the certificates of {@code caFile}. */
    private static TrustManager[] systemCasAnd(Path caFile) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (TrustManager manager : system.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        trusted.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("extra-" + n++, ca);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw CommandFailure.local("cannot use the CA in " + caFile + " (" + e.getMessage() + ")", e);
        }
    }

    private static CallCredentials bearer(BearerToken token) {
        List<X509Certificate> onlyToServersOf = token.onlyToServersOf().map(CoordinatorChannels::certificates)
                .orElse(List.of());
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                if (token.onlyToServersOf().isEmpty()
                        || signedByOneOf(onlyToServersOf, info.getTransportAttrs().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))) {
                    headers.put(AUTHORIZATION, "Bearer " + token.value());
                }
                applier.apply(headers);
            }
        };
    }

    private static List<X509Certificate> certificates(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
        } catch (IOException | GeneralSecurityException e) {
            throw CommandFailure.local("cannot use the CA in " + caFile + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Whether one of {@code cas} signed the server's own certificate (the first of its chain). The
     * handshake has already checked that certificate against every CA trusted, its name and dates
     * included; this tells which CA vouched for it. Only the server's own certificate counts: a server
     * may send others beside it, which prove nothing about it.
     */
    static boolean signedByOneOf(List<X509Certificate> cas, SSLSession session) {
        if (session == null) {
            return false;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate server)) {
            return false;
        }
        for (X509Certificate ca : cas) {
            if (server.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    server.verify(ca.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // signed by another CA of the same name
                }
            }
        }
        return false;
    }
}
