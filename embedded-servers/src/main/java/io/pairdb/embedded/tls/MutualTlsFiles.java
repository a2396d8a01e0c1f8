package io.pairdb.embedded.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The files of a mutual-TLS test setup, written into one directory: a server CA and a server
 * certificate for {@code localhost} and {@code 127.0.0.1} ({@code server-ca.pem}, {@code server.pem},
 * {@code server.key}), and a client CA and a client certificate ({@code client-ca.pem},
 * {@code client.pem}, {@code client.key}); the CA keys sit beside their certificates.
 */
public record MutualTlsFiles(Path directory) {

    /** Issues everything, valid for a day, into {@code directory}. */
    public static MutualTlsFiles write(Path directory) {
        MutualTlsFiles files = new MutualTlsFiles(directory);
        CertificateAuthority serverCa = CertificateAuthority.create("server CA", Duration.ofDays(1));
        CertificateAuthority clientCa = CertificateAuthority.create("client CA", Duration.ofDays(1));
        serverCa.writeTo(files.serverCa(), directory.resolve("server-ca.key"));
        clientCa.writeTo(files.clientCa(), directory.resolve("client-ca.key"));
        serverCa.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1))
                .writeTo(files.serverCertificate(), files.serverKey());
        clientCa.issueClient("client", Optional.empty(), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(files.clientCertificate(), files.clientKey());
        return files;
    }

    /** The server CA, to issue a renewed server certificate. */
    public CertificateAuthority serverAuthority() {
        return CertificateAuthority.load(serverCa(), directory.resolve("server-ca.key"));
    }

    public Path serverCa() {
        return directory.resolve("server-ca.pem");
    }

    public Path serverCertificate() {
        return directory.resolve("server.pem");
    }

    public Path serverKey() {
        return directory.resolve("server.key");
    }

    public Path clientCa() {
        return directory.resolve("client-ca.pem");
    }

    public Path clientCertificate() {
        return directory.resolve("client.pem");
    }

    public Path clientKey() {
        return directory.resolve("client.key");
    }
}
