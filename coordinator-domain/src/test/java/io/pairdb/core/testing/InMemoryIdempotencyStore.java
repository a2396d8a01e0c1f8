package io.pairdb.core.testing;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.IdempotencyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Idempotency records in memory, expiring by the given clock. Each call is atomic (one lock), as one Redis script. */
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

    /** A version a request may have been written with, kept for its retries. */
    private record Unsettled(String fingerprint, UnsettledVersion version, long expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Unsettled> unsettled = new HashMap<>();

    public InMemoryIdempotencyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, String owner,
                                                       Duration ttl) {
        Objects.requireNonNull(owner, "owner");
        long now = clock.nowMillis();
        Entry existing = live(key, now);
        if (existing != null && !existing.markerOf(owner)) {
            return CompletableFuture.completedFuture(existing.response() == null
                    ? new Claim.InProgress(existing.fingerprint())
                    : new Claim.Completed(existing.fingerprint(), existing.response()));
        }
        Unsettled version = unsettled.get(key.storageKey());
        if (version != null && version.expiresAt() <= now) {
            unsettled.remove(key.storageKey());
            version = null;
        }
        if (version != null && !version.fingerprint().equals(fingerprint)) {
            return CompletableFuture.completedFuture(new Claim.Unsettled(version.fingerprint(), version.version()));
        }
        if (existing == null) {
            entries.put(key.storageKey(), new Entry(fingerprint, owner, null, now + ttl.toMillis()));
        }
        return CompletableFuture.completedFuture(version == null ? new Claim.Claimed()
                : new Claim.Unsettled(version.fingerprint(), version.version()));
    }

    @Override
    public synchronized CompletableFuture<Boolean> complete(IdempotencyKey key, String owner, String fingerprint,
                                                            StoredResponse response, Duration ttl) {
        long now = clock.nowMillis();
        Entry existing = live(key, now);
        if (existing == null || existing.markerOf(owner)) {
            entries.put(key.storageKey(), new Entry(fingerprint, owner, response, now + ttl.toMillis()));
            unsettled.computeIfPresent(key.storageKey(), (k, u) -> u.fingerprint().equals(fingerprint) ? null : u);
            return CompletableFuture.completedFuture(true);
        }
        // the same response stored again (a retry whose first try's answer was lost) is a success
        return CompletableFuture.completedFuture(
                response.equals(existing.response()) && fingerprint.equals(existing.fingerprint()));
    }

    @Override
    public synchronized CompletableFuture<Void> release(IdempotencyKey key, String owner) {
        Entry existing = entries.get(key.storageKey());
        if (existing != null && existing.markerOf(owner)) {
            entries.remove(key.storageKey());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> unsettle(IdempotencyKey key, String owner, String fingerprint,
                                                         UnsettledVersion version, Duration ttl) {
        long now = clock.nowMillis();
        Entry existing = live(key, now);
        Unsettled other = unsettled.get(key.storageKey());
        boolean free = other == null || other.expiresAt() <= now || other.fingerprint().equals(fingerprint);
        if ((existing == null || existing.markerOf(owner)) && free) {
            entries.remove(key.storageKey());
            unsettled.put(key.storageKey(), new Unsettled(fingerprint, version, now + ttl.toMillis()));
        }
        return CompletableFuture.completedFuture(null);
    }

    private Entry live(IdempotencyKey key, long now) {
        Entry existing = entries.get(key.storageKey());
        if (existing != null && !existing.liveAt(now)) {
            entries.remove(key.storageKey());
            return null;
        }
        return existing;
    }
}
