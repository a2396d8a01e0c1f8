package io.pairdb.core.security;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An API key's public identifier: 16 characters of lower-case base32, the part of a token that is
 * not secret. Lookups go by it, so checking a token never scans the stored keys.
 */
public record ApiKeyId(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z2-7]{16}");

    public ApiKeyId {
        Objects.requireNonNull(value, "api key id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("an API key id is 16 characters of a-z and 2-7: '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
