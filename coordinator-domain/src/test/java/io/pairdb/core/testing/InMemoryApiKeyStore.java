package io.pairdb.core.testing;

import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.Permission;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

public final class InMemoryApiKeyStore implements ApiKeyStore {
    private final ConcurrentHashMap<ApiKeyId, StoredKey> keys = new ConcurrentHashMap<>();
    private final AtomicInteger finds = new AtomicInteger();

    @Override
    public InsertOutcome insert(ApiKey key, byte[] secretHash) {
        return keys.putIfAbsent(key.id(), new StoredKey(key, secretHash)) == null
                ? InsertOutcome.INSERTED : InsertOutcome.ALREADY_EXISTS;
    }

    @Override
    public Optional<StoredKey> find(ApiKeyId id) {
        finds.incrementAndGet();
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public List<ApiKey> list() {
        return keys.values().stream().map(StoredKey::key)
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(k -> k.id().value())).toList();
    }

    @Override
    public Optional<ApiKey> revoke(ApiKeyId id, ApiKey.Revocation revocation) {
        return Optional.ofNullable(keys.computeIfPresent(id, (i, stored) -> stored.key().revoked().isPresent() ? stored
                : new StoredKey(stored.key().revokedAt(revocation.at(), revocation.by()), stored.secretHash())))
                .map(StoredKey::key);
    }

    @Override
    public Optional<ApiKey> changeGrants(ApiKeyId id, Set<Permission> add, Set<Permission> remove) {
        return Optional.ofNullable(keys.computeIfPresent(id, (i, stored) -> new StoredKey(
                stored.key().withGrants(stored.key().grants().plus(add).minus(remove)), stored.secretHash())))
                .map(StoredKey::key);
    }

    /** How many times a key was looked up, for tests of caching. */
    public int finds() {
        return finds.get();
    }
}
