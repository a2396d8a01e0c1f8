package io.pairdb.storage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.pairdb.embedded.tls.CertificateAuthority;
import io.pairdb.embedded.tls.MutualTlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage node's port over TLS, real handshakes over TCP with certificates issued here: a
 * client with a certificate from the client CA is served, one without any is refused, and a
 * node certificate replaced on disk is the one new connections see, without a restart.
 */
class NodeTlsIT {
    @TempDir
    Path dir;

    private NodeServer server;

    @BeforeEach
    void issue() {
        MutualTlsFiles.write(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private void startNode(Optional<Path> clientCaFile) throws IOException {
        NodeTls.Files files = new NodeTls.Files(dir.resolve("server.pem"), dir.resolve("server.key"), clientCaFile,
                Duration.ofMillis(100));
        server = NodeServer.start(new NodeServer.Transport.Tcp("127.0.0.1", 0, Optional.of(files)),
                NodeServer.handlerPool("tls-test", 2), List.of());
    }

    private ServingStatus check(ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    private ChannelCredentials withClientCertificate(Path trusted) throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(trusted.toFile())
                .keyManager(dir.resolve("client.pem").toFile(), dir.resolve("client.key").toFile()).build();
    }

    @Test
    void aClientWithACertificateFromTheClientCaIsServed() throws IOException {
        startNode(Optional.of(dir.resolve("client-ca.pem")));
        assertThat(check(withClientCertificate(dir.resolve("server-ca.pem")))).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void aNodeRequiringClientCertificatesRefusesAClientWithoutOne() throws IOException {
        startNode(Optional.of(dir.resolve("client-ca.pem")));
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
                .trustManager(dir.resolve("server-ca.pem").toFile()).build();
        assertThatThrownBy(() -> check(noCertificate)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() throws IOException {
        startNode(Optional.of(dir.resolve("client-ca.pem")));
        CertificateAuthority stranger = CertificateAuthority.create("stranger", Duration.ofDays(1));
        stranger.issueClient("intruder", Optional.empty(), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(dir.resolve("client.pem"), dir.resolve("client.key"));
        assertThatThrownBy(() -> check(withClientCertificate(dir.resolve("server-ca.pem"))))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void withoutAClientCaAnyTlsClientIsServedButAPlaintextOneIsNot() throws IOException {
        startNode(Optional.empty());
        ChannelCredentials tlsOnly = TlsChannelCredentials.newBuilder().trustManager(dir.resolve("server-ca.pem").toFile())
                .build();
        assertThat(check(tlsOnly)).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> check(io.grpc.InsecureChannelCredentials.create()))
                .isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void aNodeCertificateReplacedOnDiskIsUsedWithoutARestart() throws IOException {
        startNode(Optional.of(dir.resolve("client-ca.pem")));
        Path oldCa = dir.resolve("server-ca.pem");
        assertThat(check(withClientCertificate(oldCa))).isEqualTo(ServingStatus.SERVING);

        CertificateAuthority renewedCa = CertificateAuthority.create("renewed node CA", Duration.ofDays(1));
        Path newCa = dir.resolve("renewed-ca.pem");
        Files.writeString(newCa, CertificateAuthority.pem(renewedCa.certificate()));
        renewedCa.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("server.pem"), dir.resolve("server.key"));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> check(withClientCertificate(newCa)) == ServingStatus.SERVING);
        assertThatThrownBy(() -> check(withClientCertificate(oldCa))).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void unusableFilesAreRefusedAtStartNamingThem() {
        NodeTls.Files missing = new NodeTls.Files(dir.resolve("absent.pem"), dir.resolve("server.key"), Optional.empty(),
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> NodeServer.start(new NodeServer.Transport.Tcp("127.0.0.1", 0, Optional.of(missing)),
                NodeServer.handlerPool("tls-test", 1), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent.pem");
    }
}
