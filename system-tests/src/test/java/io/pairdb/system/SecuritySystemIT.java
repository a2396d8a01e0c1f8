package io.pairdb.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.embedded.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged {@code pairdb-admin.jar} against the packaged coordinator in dev mode, secure as
 * it comes: TLS with dev mode's CA, its admin token, API keys for one tenant, and mutual TLS with
 * a certificate from a CA the operator configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuritySystemIT {
    private SystemCluster cluster;
    private AdminCli cli;
    private Path dir;
    private CertificateAuthority operators;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("pairdb-security-system-");
        operators = CertificateAuthority.create("operators' CA", Duration.ofDays(1));
        operators.writeTo(dir.resolve("operators-ca.pem"), dir.resolve("operators-ca-key.pem"));
        Map<String, String> properties = new HashMap<>();
        properties.put("pairdb.security.tls.client-ca-file", dir.resolve("operators-ca.pem").toString());
        properties.put("pairdb.security.identities", "spiffe://pairdb/ops=cluster:admin");
        cluster = SystemCluster.startDev(3, properties);
        cli = cluster.cli();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void devModeNeedsNoStepAndNobodyElseGetsIn() throws IOException {
        var asDev = cli.run("tenant", "list");
        assertThat(asDev.exitCode()).as(asDev.toString()).isZero();
        assertThat(asDev.stdout()).contains("default");
        // TLS loads Netty's native BoringSSL: the jar's manifest allows it, so no JDK warning on every command
        assertThat(asDev.stderr()).doesNotContain("WARNING");
        assertThat(cli.run("auth", "whoami").stdout()).contains("(bootstrap-admin)").contains("cluster:admin");

        // without dev mode's CA the coordinator is not trusted; with it but without a credential, refused
        Path empty = Files.createTempDirectory(dir, "empty-home-");
        var stranger = cli.withHome(empty).run("tenant", "list", "--timeout", "10s");
        assertThat(stranger.exitCode()).as(stranger.toString()).isEqualTo(2);
        assertThat(stranger.stderr()).contains("TLS handshake", "--ca-cert");
        var anonymous = cli.withHome(empty).run("tenant", "list", "--ca-cert", cluster.home().resolve("ca.pem").toString());
        assertThat(anonymous.exitCode()).as(anonymous.toString()).isEqualTo(2);
        assertThat(anonymous.stderr()).contains("UNAUTHENTICATED").contains("(CREDENTIALS_REQUIRED)");
    }

    @Test
    void anApplicationKeyReachesItsTenantOnlyUntilRevoked() throws IOException {
        assertThat(cli.run("tenant", "create", "acme", "--rf", "3").exitCode()).isZero();
        var created = cli.run("auth", "key", "create", "acme-app", "--grant", "tenant:acme:read-write");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Path token = dir.resolve("acme-app.token");
        Files.writeString(token, created.stdout());
        String keyId = created.stderr().replaceAll("(?s).*Created API key (\\S+) .*", "$1");

        Path empty = Files.createTempDirectory(dir, "app-home-");
        AdminCli app = cli.withHome(empty);
        String[] asApp = {"--ca-cert", cluster.home().resolve("ca.pem").toString(), "--token-file", token.toString()};
        var put = app.run(concat(new String[] {"kv", "put", "acme", "k", "v"}, asApp));
        assertThat(put.exitCode()).as(put.toString()).isZero();
        var get = app.run(concat(new String[] {"kv", "get", "acme", "k"}, asApp));
        assertThat(get.stdout()).contains("VALUE").contains("v");

        var other = app.run(concat(new String[] {"kv", "put", "default", "k", "v"}, asApp));
        var missing = app.run(concat(new String[] {"kv", "put", "no-such-tenant", "k", "v"}, asApp));
        for (var denied : new AdminCli.Result[] {other, missing}) {
            assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(2);
            assertThat(denied.stderr()).contains("PERMISSION_DENIED").contains("(PERMISSION_DENIED)");
        }
        var nodes = app.run(concat(new String[] {"node", "list"}, asApp));
        assertThat(nodes.exitCode()).isEqualTo(2);
        assertThat(nodes.stderr()).contains("PERMISSION_DENIED");
        var tenants = app.run(concat(new String[] {"tenant", "list"}, asApp));
        assertThat(tenants.stdout()).contains("acme").doesNotContain("default");

        assertThat(cli.run("auth", "key", "revoke", keyId, "--yes").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var revoked = app.run(concat(new String[] {"kv", "get", "acme", "k"}, asApp));
            assertThat(revoked.exitCode()).isEqualTo(2);
            assertThat(revoked.stderr()).contains("UNAUTHENTICATED").contains("(API_KEY_REVOKED)");
        });
    }

    @Test
    void anOperatorWithACertificateAdministersOverMutualTls() throws IOException {
        operators.issueClient("ops", Optional.of("spiffe://pairdb/ops"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(dir.resolve("ops.pem"), dir.resolve("ops-key.pem"));
        AdminCli ops = cli.withHome(Files.createTempDirectory(dir, "ops-home-"));
        String[] mtls = {"--ca-cert", cluster.home().resolve("ca.pem").toString(), "--cert", dir.resolve("ops.pem").toString(),
                "--key", dir.resolve("ops-key.pem").toString()};
        var whoami = ops.run(concat(new String[] {"auth", "whoami", "-o", "json"}, mtls));
        assertThat(whoami.exitCode()).as(whoami.toString()).isZero();
        assertThat(whoami.json().get("principal").asText()).isEqualTo("cert:spiffe://pairdb/ops");
        var nodes = ops.run(concat(new String[] {"node", "list"}, mtls));
        assertThat(nodes.exitCode()).as(nodes.toString()).isZero();
        assertThat(nodes.stdout()).contains("node-1");
    }

    @Test
    void theCliRefusesToSendATokenOverPlaintext() {
        var result = cli.withVariable("PAIRDB_TOKEN", "pairdb_aaaaaaaaaaaaaaaa_" + "a".repeat(43))
                .run("tenant", "list", "--plaintext");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("refusing to send an API key ($PAIRDB_TOKEN) over plaintext");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
