package io.pairdb.core.port;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.version.VectorClock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Records of idempotent writes, shared by every coordinator (Redis). Thread-safe and
 * non-blocking: every method returns at once, and its future completes later, possibly on a
 * thread of the store's client (so what a caller chains onto it must not block either). A
 * future fails with {@link io.pairdb.core.PairDbException} when the store cannot be reached
 * or does not answer in time; the operation may or may not have been applied then.
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

        /**
         * A request with this key may have been written as {@code version} but was not
         * acknowledged (see {@link #unsettle}), and none has completed since. When {@code
         * fingerprint} is the caller's, the caller owns the key now, as for {@link Claimed}, and
         * must write that same version again rather than a new one; otherwise nothing was claimed.
         */
        record Unsettled(String fingerprint, UnsettledVersion version) implements Claim {
            public Unsettled {
                Objects.requireNonNull(fingerprint, "fingerprint");
                Objects.requireNonNull(version, "version");
            }
        }
    }

    /** The clock and timestamp a write was issued with, which a retry of it must be written with again. */
    record UnsettledVersion(VectorClock clock, long timestampMs) {
        public UnsettledVersion {
            Objects.requireNonNull(clock, "clock");
        }
    }

    /**
     * Atomically claims the key for {@code owner} with an in-progress marker carrying the
     * request's fingerprint, in one round trip, unless a marker or record exists; the marker
     * expires after {@code ttl} so a crashed coordinator does not hold the key forever.
     * {@code owner} is unique to this attempt: only it can {@link #complete} or {@link #release}
     * the marker. A claim by the owner of the marker found is {@link Claim.Claimed} (the same claim
     * sent again, its first answer lost), and leaves the marker as it is.
     */
    CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl);

    /**
     * Stores the final response for a key that {@code owner} claimed, replacing its marker. If the
     * marker is gone (it expired and nobody claimed the key since) the response is stored all the
     * same: the write did happen. If another request holds the key now (it claimed it after the
     * marker expired) or another response is stored already, nothing changes. Idempotent: storing
     * the same response again is a success.
     *
     * @return whether the response is stored; false when it was refused for another request's
     *         claim or response (its write may then be run again by a retry)
     */
    CompletableFuture<Boolean> complete(IdempotencyKey key, String owner, String fingerprint, StoredResponse response,
                                        Duration ttl);

    /**
     * Drops {@code owner}'s marker after its request failed, so a retry can run. A marker of
     * another owner and a stored response are left alone, so a late or repeated release never
     * frees a key that another request holds. An unsettled version (see {@link #unsettle}) stays.
     * Idempotent.
     */
    CompletableFuture<Void> release(IdempotencyKey key, String owner);

    /**
     * After {@code owner}'s request failed once its version may have reached a replica: drops the
     * owner's marker and keeps {@code version} for {@code ttl} (replacing the same request's), so
     * that the next claim with the same fingerprint is answered {@link Claim.Unsettled} and writes
     * that version again instead of applying the request a second time; nothing changes if the key
     * holds another request's marker, a response, or another request's unsettled version.
     * Completing the key with the same fingerprint later drops the version. Idempotent.
     */
    CompletableFuture<Void> unsettle(IdempotencyKey key, String owner, String fingerprint, UnsettledVersion version,
                                     Duration ttl);
}
