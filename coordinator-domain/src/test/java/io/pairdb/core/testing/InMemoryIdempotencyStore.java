package io.pairdb.core.testing;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.IdempotencyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(String fingerprint, StoredResponse response, long expiresAt) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public InMemoryIdempotencyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, Duration ttl) {
        long now = clock.nowMillis();
        Entry fresh = new Entry(fingerprint, null, now + ttl.toMillis());
        Entry[] found = new Entry[1];
        entries.compute(key.storageKey(), (k, existing) -> {
            if (existing != null && existing.expiresAt() > now) {
                found[0] = existing;
                return existing;
            }
            return fresh;
        });
        Entry existing = found[0];
        if (existing == null) {
            return CompletableFuture.completedFuture(new Claim.Claimed());
        }
        return CompletableFuture.completedFuture(existing.response() == null
                ? new Claim.InProgress(existing.fingerprint())
                : new Claim.Completed(existing.fingerprint(), existing.response()));
    }

    @Override
    public CompletableFuture<Void> complete(IdempotencyKey key, String fingerprint, StoredResponse response,
                                            Duration ttl) {
        entries.put(key.storageKey(), new Entry(fingerprint, response, clock.nowMillis() + ttl.toMillis()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> release(IdempotencyKey key) {
        entries.remove(key.storageKey());
        return CompletableFuture.completedFuture(null);
    }
}
