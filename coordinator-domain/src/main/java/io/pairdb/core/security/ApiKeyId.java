package io.pairdb.core.security;

import io.pairdb.core.Identifiers;
import java.util.Objects;

/**
 * An API key's public identifier: 16 characters of lower-case base32, the part of a token that is
 * not secret. Lookups go by it, so checking a token never scans the stored keys.
 */
public record ApiKeyId(String value) {
    private static final int LENGTH = 16;

    public ApiKeyId {
        Objects.requireNonNull(value, "api key id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("an API key id is 16 characters of a-z and 2-7: '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return Identifiers.consistsOf(value, LENGTH, LENGTH, c -> c >= 'a' && c <= 'z' || c >= '2' && c <= '7');
    }

    @Override
    public String toString() {
        return value;
    }
}
