package io.pairdb.adapters.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.embedded.tls.CertificateAuthority;
import io.pairdb.embedded.tls.MutualTlsFiles;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.storage.server.NodeTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's storage adapter against an emulator node serving mutual TLS, real handshakes
 * over TCP with a private CA issued at test time: with the coordinator's client certificate it
 * writes and reads; without one, or trusting another CA, or reaching the node by a name its
 * certificate does not carry, every call fails.
 */
class GrpcStorageNodesTlsTest {
    private static final TenantId TENANT = new TenantId("t");

    @TempDir
    Path dir;

    private StorageNodeEmulator emulator;
    private final List<AutoCloseable> opened = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        MutualTlsFiles.write(dir);
        emulator = StorageNodeEmulator.builder().nodeId("node-1").port(0)
                .tls(new NodeTls.Files(dir.resolve("server.pem"), dir.resolve("server.key"),
                        Optional.of(dir.resolve("client-ca.pem")), Duration.ofSeconds(1)))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private GrpcStorageNodes storage(StorageNodeTls.Files files) {
        StorageNodeTls tls = StorageNodeTls.start(files);
        GrpcStorageNodes storage = new GrpcStorageNodes(tls);
        opened.add(tls);
        opened.add(storage);
        return storage;
    }

    private StorageNodeTls.Files withClientCertificate(Path ca) {
        return new StorageNodeTls.Files(ca, Optional.of(dir.resolve("client.pem")), Optional.of(dir.resolve("client.key")),
                Duration.ofSeconds(1));
    }

    private StorageNode node(String host) {
        return new StorageNode(new NodeId("node-1"), host, emulator.port(), 16, NodeState.NORMAL, Liveness.UP,
                Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void withItsClientCertificateTheCoordinatorWritesAndReadsOverTls() throws Exception {
        GrpcStorageNodes storage = storage(withClientCertificate(dir.resolve("server-ca.pem")));
        StorageNode node = node("127.0.0.1");
        Version version = Version.of(new byte[] {7}, VectorClock.of("coordinator-1", 1), 1L);

        storage.write(node, TENANT, "k", Token.forKey("t", "k"), version, Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);

        assertThat(storage.read(node, TENANT, "k", Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS))
                .hasValueSatisfying(v -> assertThat(v.value()).containsExactly(7));
        assertThat(emulator.store().scan(io.pairdb.storage.server.TokenRange.fullRing(), Optional.empty(),
                Optional.empty())).toIterable().hasSize(1);
    }

    @Test
    void withoutAClientCertificateTheNodeRefusesTheCoordinator() {
        GrpcStorageNodes storage = storage(new StorageNodeTls.Files(dir.resolve("server-ca.pem"), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> storage.probe(node("127.0.0.1"), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("UNAVAILABLE")
                .hasMessageContaining("TLS handshake with the node failed")
                .hasMessageContaining("pairdb.storage-nodes.tls-cert-file");
    }

    @Test
    void aNodeWhoseCertificateAnotherCaSignedIsNotTrusted() {
        CertificateAuthority.create("other CA", Duration.ofDays(1))
                .writeTo(dir.resolve("other-ca.pem"), dir.resolve("other-ca.key"));
        GrpcStorageNodes storage = storage(withClientCertificate(dir.resolve("other-ca.pem")));

        assertThatThrownBy(() -> storage.probe(node("127.0.0.1"), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("UNAVAILABLE")
                .hasMessageContaining("TLS handshake with the node failed")
                .hasMessageContaining("not signed by a CA in pairdb.storage-nodes.tls-ca-file");
    }

    @Test
    void aNodeThatServesNoTlsIsRefusedSayingSo() throws Exception {
        try (StorageNodeEmulator plaintext = StorageNodeEmulator.builder().nodeId("node-2").port(0).start()) {
            GrpcStorageNodes storage = storage(withClientCertificate(dir.resolve("server-ca.pem")));
            StorageNode node = new StorageNode(new NodeId("node-2"), "127.0.0.1", plaintext.port(), 16, NodeState.NORMAL,
                    Liveness.UP, Instant.EPOCH, Instant.EPOCH);

            assertThatThrownBy(() -> storage.probe(node, Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("UNAVAILABLE")
                    .hasMessageContaining("TLS handshake with the node failed")
                    .hasMessageContaining("does the node serve TLS (--tls-cert)?");
        }
    }

    @Test
    void aNodeWhoseRenewedCertificateNoLongerNamesItsAddressIsRefusedWithoutARestart() throws Exception {
        GrpcStorageNodes storage = storage(withClientCertificate(dir.resolve("server-ca.pem")));
        assertThat(storage.probe(node("127.0.0.1"), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS)).isNull();

        new MutualTlsFiles(dir).serverAuthority()
                .issueServer(List.of("elsewhere.example"), List.of(), Duration.ofDays(1))
                .writeTo(dir.resolve("server.pem"), dir.resolve("server.key"));

        // the node re-reads its files; a new connection then sees a certificate without 127.0.0.1
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            GrpcStorageNodes fresh = storage(withClientCertificate(dir.resolve("server-ca.pem")));
            try {
                fresh.probe(node("127.0.0.1"), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
                return false;
            } catch (ExecutionException e) {
                return e.getMessage().contains("UNAVAILABLE");
            }
        });
    }

    @Test
    void unusableFilesAreRefusedNamingThem() {
        assertThatThrownBy(() -> StorageNodeTls.start(new StorageNodeTls.Files(dir.resolve("absent-ca.pem"),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent-ca.pem");
    }
}
