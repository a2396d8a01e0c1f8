package io.pairdb.storage.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The TLS options every storage node's command line takes (a picocli mixin). */
public final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS with this certificate chain (PEM); needs --tls-key. Default: plaintext.")
    private Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key of --tls-cert (PKCS#8 PEM).")
    private Path key;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Require client certificates signed by this CA bundle (PEM): mutual TLS. Needs --tls-cert.")
    private Path clientCa;

    @Option(names = "--tls-refresh-interval", paramLabel = "DURATION", defaultValue = "1m",
            converter = DurationConverter.class,
            description = "How often the TLS files are checked; changed ones are re-read without a restart (default: ${DEFAULT-VALUE}).")
    private Duration refreshInterval;

    /**
     * The files to serve TLS with, or empty for plaintext.
     *
     * @throws CommandLine.ParameterException when the options do not go together
     */
    public Optional<NodeTls.Files> files(CommandLine commandLine) {
        if (certificate == null && key == null) {
            if (clientCa != null) {
                throw new CommandLine.ParameterException(commandLine, "--tls-client-ca needs --tls-cert and --tls-key");
            }
            return Optional.empty();
        }
        if (certificate == null || key == null) {
            throw new CommandLine.ParameterException(commandLine, "--tls-cert and --tls-key go together");
        }
        if (refreshInterval.isZero()) {
            throw new CommandLine.ParameterException(commandLine, "--tls-refresh-interval must be positive");
        }
        return Optional.of(new NodeTls.Files(certificate, key, Optional.ofNullable(clientCa), refreshInterval));
    }
}
