package io.pairdb.cli;

import java.util.Objects;

/** An API key's token: sent in the {@code authorization} header, never printed. */
public record BearerToken(String value, String source) {
    public BearerToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
        if (value.isBlank()) {
            throw new IllegalArgumentException(source + " holds no token");
        }
    }

    @Override
    public String toString() {
        return "token from " + source;
    }
}
