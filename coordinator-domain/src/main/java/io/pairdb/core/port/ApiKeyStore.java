package io.pairdb.core.port;

import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.Permission;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * API keys shared by every coordinator: each key's record and the SHA-256 of its secret (never
 * the secret). Thread-safe. Every method either completes or throws
 * {@link io.pairdb.core.PairDbException} when the store cannot be reached; a thrown call may or
 * may not have been applied. An implementation shared by several coordinators tells the others
 * of every change it applies, so that they drop what they cached about the key within seconds.
 */
public interface ApiKeyStore {
    enum InsertOutcome { INSERTED, ALREADY_EXISTS }

    /** A key with the hash its token's secret must match. */
    record StoredKey(ApiKey key, byte[] secretHash) {
        public StoredKey {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(secretHash, "secretHash");
            secretHash = secretHash.clone();
        }

        @Override
        public byte[] secretHash() {
            return secretHash.clone();
        }
    }

    /** Stores a new key unless one with the same id exists (then nothing changes). */
    InsertOutcome insert(ApiKey key, byte[] secretHash);

    /** The key with its secret's hash, revoked and expired keys included; one lookup by id. */
    Optional<StoredKey> find(ApiKeyId id);

    /** Every key, revoked and expired ones included, oldest first (ties by id). */
    List<ApiKey> list();

    /**
     * Revokes the key. Idempotent: a key revoked before keeps its first revocation. Returns the
     * key as stored afterwards, empty when there is no such key.
     */
    Optional<ApiKey> revoke(ApiKeyId id, ApiKey.Revocation revocation);

    /**
     * Adds {@code add} to the key's grants and removes {@code remove}, atomically with respect to
     * other changes of the same key (two coordinators granting at once both take effect).
     * Idempotent. Returns the key as stored afterwards, empty when there is no such key.
     */
    Optional<ApiKey> changeGrants(ApiKeyId id, Set<Permission> add, Set<Permission> remove);
}
