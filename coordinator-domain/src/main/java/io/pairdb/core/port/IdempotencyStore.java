package io.pairdb.core.port;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import java.time.Duration;

/**
 * Records of idempotent writes, shared by every coordinator (Redis). Thread-safe. Every
 * method throws {@link io.pairdb.core.PairDbException} when the store cannot be reached.
 */
public interface IdempotencyStore {
    /** What a claim found. */
    sealed interface Claim {
        /** Nobody held the key: the caller owns it now and must complete or release it. */
        record Claimed() implements Claim {
        }

        /** Another request with this key is still in flight. */
        record InProgress(String fingerprint) implements Claim {
        }

        /** A request with this key completed; its response is stored. */
        record Completed(String fingerprint, StoredResponse response) implements Claim {
        }
    }

    /**
     * Atomically claims the key with an in-progress marker carrying the request's
     * fingerprint, in one round trip, unless a record exists; the marker expires after
     * {@code ttl} so a crashed coordinator does not hold the key forever.
     */
    Claim claim(IdempotencyKey key, String fingerprint, Duration ttl);

    /** Stores the final response for a claimed key (overwrites the marker). Idempotent. */
    void complete(IdempotencyKey key, String fingerprint, StoredResponse response, Duration ttl);

    /** Drops a claim whose request failed, so a retry can run. Idempotent. */
    void release(IdempotencyKey key);
}
