package io.pairdb.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.embedded.tls.CertificateAuthority;
import io.pairdb.embedded.tls.MutualTlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged coordinator and storage-node processes speaking mutual TLS to each other, with a
 * private CA for the nodes and another for the coordinator's client certificate, both issued at
 * test time: nodes added through {@code pairdb-admin} take writes and serve reads, and a node
 * the coordinator cannot trust is refused with the reason, before it joins the ring.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageNodesTlsSystemIT {
    private SystemCluster cluster;
    private AdminCli cli;
    private Path dir;
    private MutualTlsFiles files;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("pairdb-node-tls-system-");
        files = MutualTlsFiles.write(dir);
        Map<String, String> properties = new HashMap<>(SystemCluster.FAST_TOPOLOGY_CHANGES);
        properties.put("pairdb.storage-nodes.tls-ca-file", files.serverCa().toString());
        properties.put("pairdb.storage-nodes.tls-cert-file", files.clientCertificate().toString());
        properties.put("pairdb.storage-nodes.tls-key-file", files.clientKey().toString());
        // dev mode's own nodes serve plaintext, so none: every node here is a process serving TLS
        cluster = SystemCluster.startDev(0, properties);
        cli = cluster.cli();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void nodesServingMutualTlsJoinTheRingAndTakeWritesAndReads() {
        for (String id : List.of("n1", "n2", "n3")) {
            EmulatorNode node = cluster.startEmulator(id, "--tls-cert", files.serverCertificate().toString(), "--tls-key",
                    files.serverKey().toString(), "--tls-client-ca", files.clientCa().toString());
            var added = addNode(id, node);
            assertThat(added.exitCode()).as(added.toString()).isZero();
        }
        var tenant = cli.run("tenant", "create", "secure", "--rf", "3");
        assertThat(tenant.exitCode()).as(tenant.toString()).isZero();

        var put = cli.run("kv", "put", "secure", "k", "over-tls", "--consistency", "all");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        var get = cli.run("kv", "get", "secure", "k", "--consistency", "all");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout()).contains("over-tls");
    }

    @Test
    @Order(2)
    void aNodeWhoseCertificateAnotherCaSignedIsRefusedWithTheReason() throws IOException {
        CertificateAuthority rogue = CertificateAuthority.create("rogue CA", Duration.ofDays(1));
        rogue.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("rogue.pem"), dir.resolve("rogue.key"));
        EmulatorNode node = cluster.startEmulator("rogue", "--tls-cert", dir.resolve("rogue.pem").toString(), "--tls-key",
                dir.resolve("rogue.key").toString());

        var added = addNode("rogue", node);

        assertThat(added.exitCode()).as(added.toString()).isEqualTo(2);
        assertThat(added.stderr()).contains("FAILED_PRECONDITION", "(NODE_DOWN)", "TLS handshake with the node failed",
                "not signed by a CA in pairdb.storage-nodes.tls-ca-file");
        assertThat(cli.run("node", "list").stdout()).doesNotContain("rogue");
    }

    @Test
    @Order(3)
    void aNodeServingPlaintextIsRefusedSayingSo() {
        EmulatorNode node = cluster.startEmulator("plain");

        var added = addNode("plain", node);

        assertThat(added.exitCode()).as(added.toString()).isEqualTo(2);
        assertThat(added.stderr()).contains("(NODE_DOWN)", "does the node serve TLS (--tls-cert)?");
        assertThat(cli.run("node", "list").stdout()).doesNotContain("plain");
    }

    private AdminCli.Result addNode(String id, EmulatorNode node) {
        return cli.run("node", "add", id, "--host", "127.0.0.1", "--port", String.valueOf(node.port()), "--watch");
    }
}
