package io.pairdb.core.tenant;

import java.util.Objects;
import java.util.regex.Pattern;

/** A tenant's identifier: 1–64 characters of {@code [A-Za-z0-9._-]}. */
public record TenantId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public TenantId {
        Objects.requireNonNull(value, "tenant id");
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "tenant id must be 1-64 characters of letters, digits, '.', '_' or '-': '" + value + "'");
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
