package io.pairdb.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** How the CLI's connection is protected: TLS (the default) or none. */
public sealed interface Transport {

    /** No TLS: for coordinators that run without it. */
    record Plaintext() implements Transport {
        @Override
        public String toString() {
            return "plaintext";
        }
    }

    /**
     * TLS, verifying the coordinator's certificate.
     *
     * @param caFile the CA to trust; empty: the JVM's CAs, plus {@code extraCaFile} when given
     * @param extraCaFile trusted besides the JVM's CAs when no {@code caFile} is given (dev mode's CA)
     * @param clientCertificate certificate and key (PEM) for mutual TLS, when given
     * @param serverName the name the coordinator's certificate must carry, when not the address's host
     */
    record Tls(Optional<Path> caFile, Optional<Path> extraCaFile, Optional<ClientCertificate> clientCertificate,
               Optional<String> serverName) implements Transport {
        public Tls {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(extraCaFile, "extraCaFile");
            Objects.requireNonNull(clientCertificate, "clientCertificate");
            Objects.requireNonNull(serverName, "serverName");
        }

        @Override
        public String toString() {
            return "TLS";
        }
    }

    record ClientCertificate(Path certificateFile, Path keyFile) {
        public ClientCertificate {
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }
}
