package io.pairdb.storage.server;

import java.util.Objects;

/** A key as the node holds it, with the token the coordinator computed for it. */
public record StoredEntry(String tenantId, String key, long token, StoredVersion version) {

    public StoredEntry {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
    }

    public Position position() {
        return Position.of(token, tenantId, key);
    }

    public StoredEntry withVersion(StoredVersion newVersion) {
        return new StoredEntry(tenantId, key, token, newVersion);
    }
}
