package io.pairdb.core.ring;

import io.pairdb.core.tenant.TenantId;
import java.util.Objects;

/**
 * A place in a range scan. Storage nodes scan a range in (unsigned token, tenant, key) order,
 * so a scan that stopped after an entry resumes strictly after that entry's position.
 */
public record KeyPosition(Token token, TenantId tenant, String key) {
    public KeyPosition {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return token + "/" + tenant + "/" + key;
    }
}
