package io.pairdb.core.security;

import java.util.Objects;

/** What a caller presented: nothing, a bearer token, or a client certificate (by the name it carries). */
public sealed interface Credentials {
    record None() implements Credentials {
    }

    /** The value of the {@code authorization: Bearer …} header, never logged. */
    record BearerToken(String token) implements Credentials {
        public BearerToken {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "BearerToken[…]";
        }
    }

    /**
     * A client certificate the TLS handshake verified against the configured CA.
     *
     * @param identity its SAN URI or subject CN, as configured
     */
    record ClientCertificate(String identity) implements Credentials {
        public ClientCertificate {
            Objects.requireNonNull(identity, "identity");
        }
    }

    Credentials NONE = new None();
}
