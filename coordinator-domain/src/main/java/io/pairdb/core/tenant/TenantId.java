package io.pairdb.core.tenant;

import io.pairdb.core.Identifiers;
import java.util.Objects;

/** A tenant's identifier: 1–64 characters of {@code [A-Za-z0-9._-]}. */
public record TenantId(String value) {
    public TenantId {
        Objects.requireNonNull(value, "tenant id");
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "tenant id must be 1-64 characters of letters, digits, '.', '_' or '-': '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return Identifiers.isPlainName(value, 64);
    }

    @Override
    public String toString() {
        return value;
    }
}
