package io.pairdb.cli;

import static io.pairdb.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.embedded.tls.CertificateAuthority;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the CLI protects its connection and what credentials it sends, against fakes speaking real TLS. */
class CredentialsIT {
    private static final String TOKEN = "pairdb_aaaaaaaaaaaaaaaa_" + "t".repeat(43);

    @TempDir
    Path dir;
    private CertificateAuthority ca;
    private Path caFile;
    private FakeCoordinator plain;
    private FakeCoordinator tls;

    @BeforeEach
    void start() throws Exception {
        ca = CertificateAuthority.create("cli test CA", Duration.ofDays(1));
        caFile = dir.resolve("ca.pem");
        ca.writeTo(caFile, dir.resolve("ca-key.pem"));
        ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
        plain = FakeCoordinator.start();
        tls = FakeCoordinator.startTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), caFile);
    }

    @AfterEach
    void stop() throws Exception {
        plain.close();
        tls.close();
    }

    @Test
    void refusesToSendATokenOverPlaintextAndSendsNothing() {
        var fromVariable = cli().withVariable("PAIRDB_TOKEN", TOKEN).run("tenant", "list", "--addr", plain.address());
        assertThat(fromVariable.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(fromVariable.stderr()).isEqualTo("error: refusing to send an API key ($PAIRDB_TOKEN) over plaintext:"
                + " anyone on the network could read it; connect with TLS (drop --plaintext), or add --insecure\n");
        var fromFile = cli().run("tenant", "list", "--token-file", tokenFile().toString(), "--addr", plain.address());
        assertThat(fromFile.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(fromFile.stderr()).contains("refusing to send an API key (--token-file ");
        assertThat(plain.connectionsAccepted()).as("nothing was sent").isZero();
    }

    @Test
    void sendsTheTokenOverPlaintextWhenToldInsecure() {
        var result = cli().withVariable("PAIRDB_TOKEN", TOKEN).run("tenant", "list", "--insecure", "--addr", plain.address());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(plain.lastAuthorization).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void speaksTlsByDefaultVerifyingTheCoordinatorAgainstTheGivenCa() {
        var trusted = cli().overTls().run("tenant", "list", "--ca-cert", caFile.toString(), "--token-file",
                tokenFile().toString(), "--addr", tls.address(), "--server-name", "localhost");
        assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
        assertThat(tls.lastAuthorization).isEqualTo("Bearer " + TOKEN);

        var untrusted = cli().overTls().run("tenant", "list", "--timeout", "5s", "--addr", tls.address());
        assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(untrusted.stderr()).startsWith("error: TLS handshake with the coordinator at " + tls.address() + " failed: ")
                .contains("signed by a CA you trust (--ca-cert)").hasLineCount(1);
    }

    @Test
    void plaintextToATlsCoordinatorAndTlsToAPlaintextOneSayWhichFlagToChange() {
        var plaintextToTls = cli().run("tenant", "list", "--timeout", "10s", "--addr", tls.address());
        assertThat(plaintextToTls.exitCode()).as(plaintextToTls.toString()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(plaintextToTls.stderr()).isEqualTo("error: the coordinator at " + tls.address()
                + " closed the connection without answering: does it serve TLS? then drop --plaintext"
                + " (and give --ca-cert if a private CA signed its certificate)\n");

        var tlsToPlaintext = cli().overTls().run("tenant", "list", "--timeout", "10s", "--ca-cert", caFile.toString(),
                "--addr", plain.address());
        assertThat(tlsToPlaintext.exitCode()).as(tlsToPlaintext.toString()).isEqualTo(ExitCodes.SERVER_ERROR);
        assertThat(tlsToPlaintext.stderr()).startsWith("error: TLS handshake with the coordinator at " + plain.address()
                + " failed: ").endsWith("(does it serve TLS? for a coordinator without TLS add --plaintext)\n")
                .hasLineCount(1);
    }

    @Test
    void presentsAClientCertificate() {
        ca.issueClient("ops", Optional.of("spiffe://pairdb/ops"), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600)).writeTo(dir.resolve("ops.pem"), dir.resolve("ops-key.pem"));
        var result = cli().overTls().run("tenant", "list", "--ca-cert", caFile.toString(), "--cert",
                dir.resolve("ops.pem").toString(), "--key", dir.resolve("ops-key.pem").toString(), "--addr", tls.address(),
                "--server-name", "localhost");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(tls.lastClientCertificate).isEqualTo("CN=ops");
        assertThat(tls.lastAuthorization).isNull();

        var halfGiven = cli().overTls().run("tenant", "list", "--cert", dir.resolve("ops.pem").toString(), "--addr",
                tls.address());
        assertThat(halfGiven.exitCode()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(halfGiven.stderr()).isEqualTo("error: --cert and --key go together: give both for mutual TLS\n");
    }

    @Test
    void aKeyOrCaFileThatIsNotPemSaysWhichFlagsFileCannotBeUsed() throws Exception {
        ca.issueClient("ops", Optional.empty(), Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))
                .writeTo(dir.resolve("ops.pem"), dir.resolve("ops-key.pem"));
        java.nio.file.Files.writeString(dir.resolve("garbage.pem"), "not a PEM file\n");

        var badKey = cli().overTls().run("tenant", "list", "--ca-cert", caFile.toString(), "--cert",
                dir.resolve("ops.pem").toString(), "--key", dir.resolve("garbage.pem").toString(), "--addr", tls.address());
        var badCa = cli().overTls().run("tenant", "list", "--ca-cert", dir.resolve("garbage.pem").toString(), "--addr",
                tls.address());

        assertThat(badKey.exitCode()).as(badKey.toString()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(badKey.stderr()).startsWith("error: --cert/--key: cannot use " + dir.resolve("ops.pem") + " and "
                + dir.resolve("garbage.pem")).doesNotContain("java.").hasLineCount(1);
        assertThat(badCa.exitCode()).as(badCa.toString()).isEqualTo(ExitCodes.LOCAL_ERROR);
        assertThat(badCa.stderr()).startsWith("error: --ca-cert: cannot use " + dir.resolve("garbage.pem"))
                .doesNotContain("java.").hasLineCount(1);
    }

    @Test
    void withNothingGivenUsesTheCaAndTokenDevModeLeftInPairdbHome() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(caFile, home.resolve("ca.pem"));
        Files.copy(tokenFile(), home.resolve("token"));
        var result = cli().overTls().withVariable("PAIRDB_HOME", home.toString())
                .run("tenant", "list", "--addr", tls.address(), "--server-name", "localhost");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(tls.lastAuthorization).isEqualTo("Bearer " + TOKEN);

        // dev mode's token never goes in plaintext, nor with credentials of another cluster
        var plaintext = cli().withVariable("PAIRDB_HOME", home.toString()).run("tenant", "list", "--addr", plain.address());
        assertThat(plaintext.exitCode()).as(plaintext.toString()).isZero();
        assertThat(plain.lastAuthorization).isNull();
        var otherCa = cli().overTls().withVariable("PAIRDB_HOME", home.toString()).run("tenant", "list", "--ca-cert",
                caFile.toString(), "--addr", tls.address(), "--server-name", "localhost");
        assertThat(otherCa.exitCode()).as(otherCa.toString()).isZero();
        assertThat(tls.lastAuthorization).isNull();
    }

    /**
     * Dev mode's CA is trusted only with dev mode's token: anyone holding that CA's key (it sits beside it)
     * could otherwise pose as the coordinator a real API key is meant for.
     */
    @Test
    void aTokenOfYourOwnIsNotSentToACoordinatorThatOnlyDevModesCaVouchesFor() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(caFile, home.resolve("ca.pem"));
        var fromVariable = cli().overTls().withVariable("PAIRDB_HOME", home.toString()).withVariable("PAIRDB_TOKEN", TOKEN)
                .run("tenant", "list", "--timeout", "10s", "--addr", tls.address(), "--server-name", "localhost");
        var fromFile = cli().overTls().withVariable("PAIRDB_HOME", home.toString()).run("tenant", "list", "--timeout",
                "10s", "--token-file", tokenFile().toString(), "--addr", tls.address(), "--server-name", "localhost");
        for (var result : List.of(fromVariable, fromFile)) {
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.SERVER_ERROR);
            assertThat(result.stderr()).startsWith("error: TLS handshake with the coordinator at " + tls.address())
                    .contains("signed by a CA you trust (--ca-cert)");
        }
        assertThat(tls.lastAuthorization).as("the token was sent").isNull();
    }

    /**
     * Dev mode's token is meant for dev mode's coordinator: a coordinator that a CA the JVM trusts vouches for
     * (one a public CA signed, say, reached by a typo in --addr) must not get it, though the CLI may still talk
     * to it without credentials.
     */
    @Test
    void devModesTokenGoesOnlyToACoordinatorDevModesCaVouchesFor() throws Exception {
        CertificateAuthority publicCa = CertificateAuthority.create("a CA the JVM trusts", Duration.ofDays(1));
        publicCa.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(dir.resolve("public.pem"), dir.resolve("public-key.pem"));
        Path systemCas = dir.resolve("system-cas.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("public", publicCa.certificate());
        try (OutputStream out = Files.newOutputStream(systemCas)) {
            store.store(out, "changeit".toCharArray());
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(caFile, home.resolve("ca.pem"));
        Files.copy(tokenFile(), home.resolve("token"));
        Map<String, String> before = new HashMap<>();
        Map<String, String> trustingPublicCa = Map.of("javax.net.ssl.trustStore", systemCas.toString(),
                "javax.net.ssl.trustStorePassword", "changeit", "javax.net.ssl.trustStoreType", "PKCS12");
        trustingPublicCa.keySet().forEach(name -> before.put(name, System.getProperty(name)));
        try (FakeCoordinator elsewhere = FakeCoordinator.startTls(dir.resolve("public.pem"), dir.resolve("public-key.pem"),
                caFile)) {
            trustingPublicCa.forEach(System::setProperty);
            var result = cli().overTls().withVariable("PAIRDB_HOME", home.toString())
                    .run("tenant", "list", "--timeout", "10s", "--addr", elsewhere.address(), "--server-name", "localhost");
            assertThat(result.exitCode()).as("the call went through, without the token: " + result).isZero();
            assertThat(elsewhere.lastAuthorization).as("dev mode's token was sent: " + result).isNull();
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    @Test
    void aNewKeysTokenIsAloneOnStdoutAndTheRestOnStderr() {
        var result = cli().run("auth", "key", "create", "billing", "--grant", "tenant:acme:read-write", "--valid-for",
                "90d", "--addr", plain.address());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo(FakeAuthService.TOKEN + "\n");
        assertThat(result.stderr()).contains("Created API key abcdefghijklmnop (billing)", "shown this once");
        assertThat(plain.auth.lastCreate.getGrantsList()).containsExactly("tenant:acme:read-write");
        assertThat(plain.auth.lastCreate.getValidFor().getSeconds()).isEqualTo(Duration.ofDays(90).toSeconds());
    }

    @Test
    void grantAddsPermissionsToAKeyAndUngrantTakesThemAway() {
        var granted = cli().run("auth", "grant", "abcdefghijklmnop", "tenant:beta:write", "cluster:read", "--addr",
                plain.address());
        assertThat(granted.exitCode()).as(granted.toString()).isZero();
        assertThat(plain.auth.lastChange.getKeyId()).isEqualTo("abcdefghijklmnop");
        assertThat(plain.auth.lastChange.getAddList()).containsExactly("tenant:beta:write", "cluster:read");
        assertThat(plain.auth.lastChange.getRemoveList()).isEmpty();
        assertThat(granted.stdout()).contains("OK API key abcdefghijklmnop (billing) now holds")
                .contains("tenant:beta:write");

        var ungranted = cli().run("auth", "ungrant", "abcdefghijklmnop", "tenant:acme:read", "--addr", plain.address());
        assertThat(ungranted.exitCode()).as(ungranted.toString()).isZero();
        assertThat(plain.auth.lastChange.getRemoveList()).containsExactly("tenant:acme:read");
        assertThat(plain.auth.lastChange.getAddList()).isEmpty();
        assertThat(ungranted.stdout()).doesNotContain("tenant:acme:read");
    }

    @Test
    void aGeneratedTokenHasTheCoordinatorsShapeAndIsNewEachTime() {
        var first = cli().run("auth", "token", "generate");
        var second = cli().run("auth", "token", "generate");
        assertThat(first.stdout().strip()).matches("pairdb_[a-z2-7]{16}_[A-Za-z0-9_-]{43}");
        assertThat(first.stdout()).isNotEqualTo(second.stdout());
    }

    private Path tokenFile() {
        Path file = dir.resolve("token-file");
        try {
            Files.writeString(file, TOKEN + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }
}
