package io.pairdb.core.testing;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.IdempotencyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Idempotency records in memory, expiring by the given clock. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    /** A marker ({@code response} null, held by {@code owner}) or a completed record. */
    private record Entry(String fingerprint, String owner, StoredResponse response, long expiresAt) {
        boolean liveAt(long now) {
            return expiresAt > now;
        }

        boolean markerOf(String claimant) {
            return response == null && owner.equals(claimant);
        }
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public InMemoryIdempotencyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        Objects.requireNonNull(owner, "owner");
        long now = clock.nowMillis();
        Entry fresh = new Entry(fingerprint, owner, null, now + ttl.toMillis());
        Entry[] found = new Entry[1];
        entries.compute(key.storageKey(), (k, existing) -> {
            if (existing != null && existing.liveAt(now)) {
                found[0] = existing;
                return existing;
            }
            return fresh;
        });
        Entry existing = found[0];
        if (existing == null || existing.markerOf(owner)) {
            return CompletableFuture.completedFuture(new Claim.Claimed());
        }
        return CompletableFuture.completedFuture(existing.response() == null
                ? new Claim.InProgress(existing.fingerprint())
                : new Claim.Completed(existing.fingerprint(), existing.response()));
    }

    @Override
    public CompletableFuture<Boolean> complete(IdempotencyKey key, String owner, String fingerprint,
                                               StoredResponse response, Duration ttl) {
        long now = clock.nowMillis();
        boolean[] stored = new boolean[1];
        entries.compute(key.storageKey(), (k, existing) -> {
            if (existing == null || !existing.liveAt(now) || existing.markerOf(owner)) {
                stored[0] = true;
                return new Entry(fingerprint, owner, response, now + ttl.toMillis());
            }
            // the same response stored again (a retry whose first try's answer was lost) is a success
            stored[0] = response.equals(existing.response()) && fingerprint.equals(existing.fingerprint());
            return existing;
        });
        return CompletableFuture.completedFuture(stored[0]);
    }

    @Override
    public CompletableFuture<Void> release(IdempotencyKey key, String owner) {
        entries.computeIfPresent(key.storageKey(), (k, existing) -> existing.markerOf(owner) ? null : existing);
        return CompletableFuture.completedFuture(null);
    }
}
