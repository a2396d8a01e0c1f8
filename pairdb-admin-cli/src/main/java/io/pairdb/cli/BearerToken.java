package io.pairdb.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key's token: sent in the {@code authorization} header, never printed.
 *
 * @param source where it came from, for messages
 * @param onlyToServersOf when present, a CA file (PEM): the token goes only to a coordinator whose
 *                        certificate that CA signed (dev mode's token, bound to dev mode's CA), and
 *                        other coordinators get the call without it
 */
public record BearerToken(String value, String source, Optional<Path> onlyToServersOf) {
    public BearerToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(onlyToServersOf, "onlyToServersOf");
        if (value.isBlank()) {
            throw new IllegalArgumentException(source + " holds no token");
        }
    }

    /** A token sent to whichever coordinator the endpoint names. */
    public BearerToken(String value, String source) {
        this(value, source, Optional.empty());
    }

    @Override
    public String toString() {
        return "token from " + source;
    }
}
