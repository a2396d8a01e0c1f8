package io.pairdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.embedded.tls.CertificateAuthority;
import java.lang.reflect.Proxy;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** Which coordinators get dev mode's token: those whose own certificate dev mode's CA signed. */
class CoordinatorChannelsTest {
    private final CertificateAuthority dev = CertificateAuthority.create("dev CA", Duration.ofDays(1));
    private final CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(1));

    @Test
    void onlyTheServersOwnCertificateDecides() {
        X509Certificate devServer = server(dev);
        X509Certificate otherServer = server(other);

        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), session(devServer))).isTrue();
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), session(devServer, dev.certificate())))
                .isTrue();
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), session(otherServer))).isFalse();
        // certificates sent after the server's own prove nothing about it: dev mode's CA, or a server it signed
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()),
                session(otherServer, dev.certificate()))).isFalse();
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), session(otherServer, devServer)))
                .isFalse();
        // a CA of the same name with another key
        CertificateAuthority impostor = CertificateAuthority.create("dev CA", Duration.ofDays(1));
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), session(server(impostor)))).isFalse();
        assertThat(CoordinatorChannels.signedByOneOf(List.of(dev.certificate()), null)).isFalse();
    }

    private static X509Certificate server(CertificateAuthority ca) {
        return ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1)).certificate();
    }

    /** A TLS session that presented {@code chain}. */
    private static SSLSession session(Certificate... chain) {
        return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getPeerCertificates")) {
                        return chain.clone();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
