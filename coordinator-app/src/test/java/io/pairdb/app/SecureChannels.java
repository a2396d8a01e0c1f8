package io.pairdb.app;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.pairdb.adapters.runtime.SecureRandomBytes;
import io.pairdb.core.security.ApiKeyToken;
import io.pairdb.embedded.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time and channels that present them (or a bearer token) to a
 * coordinator on 127.0.0.1: what the security tests connect with.
 */
final class SecureChannels implements AutoCloseable {
    final Path directory;
    final CertificateAuthority ca;
    final Path caFile;
    private final List<ManagedChannel> channels = new ArrayList<>();

    SecureChannels() {
        try {
            directory = Files.createTempDirectory("pairdb-security-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
        caFile = directory.resolve("ca.pem");
        ca.writeTo(caFile, directory.resolve("ca-key.pem"));
    }

    /** Writes a server certificate for 127.0.0.1 and localhost; returns {cert, key}. */
    Path[] serverCertificate(String name) {
        Path cert = directory.resolve(name + ".pem");
        Path key = directory.resolve(name + "-key.pem");
        ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(cert, key);
        return new Path[] {cert, key};
    }

    /** A client certificate from {@code issuer} naming {@code uri}, valid between the instants; returns {cert, key}. */
    Path[] clientCertificate(CertificateAuthority issuer, String name, String uri, Instant notBefore, Instant notAfter) {
        Path cert = directory.resolve(name + ".pem");
        Path key = directory.resolve(name + "-key.pem");
        issuer.issueClient(name, Optional.of(uri), notBefore, notAfter).writeTo(cert, key);
        return new Path[] {cert, key};
    }

    Path[] clientCertificate(String name, String uri) {
        return clientCertificate(ca, name, uri, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
    }

    /** A fresh token written to a file, for pairdb.security.bootstrap-token-file. */
    Path tokenFile(String name) {
        SecureRandomBytes random = new SecureRandomBytes();
        String token = ApiKeyToken.generate(random.next(ApiKeyToken.ID_BYTES), random.next(ApiKeyToken.SECRET_BYTES)).reveal();
        Path file = directory.resolve(name);
        try {
            Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static String read(Path tokenFile) {
        try {
            return Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TLS trusting the test CA, presenting {@code clientCertificate} ({cert, key}) when given. */
    ManagedChannel tls(int port, Path[] clientCertificate) {
        try {
            var credentials = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile());
            if (clientCertificate != null) {
                credentials.keyManager(clientCertificate[0].toFile(), clientCertificate[1].toFile());
            }
            return open(port, credentials.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ManagedChannel plaintext(int port) {
        return open(port, InsecureChannelCredentials.create());
    }

    private ManagedChannel open(int port, ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials)
                .overrideAuthority("localhost").build();
        channels.add(channel);
        return channel;
    }

    /** The stub sending {@code authorization: Bearer token} with every call, bounded by 20 s. */
    static <S extends AbstractStub<S>> S bearer(S stub, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
