package io.pairdb.core.security;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is calling: turns what a caller presented into a principal with its grants, or a rejection.
 * A bearer token is an API key, checked against the store; what the store said about a key is
 * kept for {@link Settings#cacheTtl()} (or until {@link #forget}), so a busy client costs one
 * lookup per key and period, and a revocation reaches this coordinator within that period at the
 * latest. A client certificate's name gets the grants configured for it (none when unlisted).
 * Thread-safe.
 */
public final class Authenticate {

    /**
     * @param cacheTtl how long a key's record is used without asking the store again
     * @param maxCachedKeys beyond this many cached keys the stale entries and unknown ids go, and if
     *                      that is not enough the cache starts over (callers sending random key ids
     *                      cannot grow it without bound, nor push the real keys out)
     * @param maxLookups most keys looked up in the store at once: callers sending made-up key ids by
     *                   the thousand must not take every connection the coordinator's own work (its
     *                   ring, its lease) needs from the same store
     * @param lookupWait how long a lookup waits for its turn before the call is refused as the store
     *                   being unavailable
     */
    public record Settings(Duration cacheTtl, int maxCachedKeys, int maxLookups, Duration lookupWait) {
        public static final int DEFAULT_MAX_LOOKUPS = 4;
        public static final Duration DEFAULT_LOOKUP_WAIT = Duration.ofSeconds(2);

        public Settings {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            Objects.requireNonNull(lookupWait, "lookupWait");
            if (cacheTtl.isNegative()) {
                throw new IllegalArgumentException("the key cache TTL must not be negative, was " + cacheTtl);
            }
            if (maxCachedKeys < 1) {
                throw new IllegalArgumentException("the key cache holds at least one key, was " + maxCachedKeys);
            }
            if (maxLookups < 1) {
                throw new IllegalArgumentException("at least one key lookup must be allowed at once, was " + maxLookups);
            }
            if (lookupWait.isNegative()) {
                throw new IllegalArgumentException("the key lookup wait must not be negative, was " + lookupWait);
            }
        }

        public Settings(Duration cacheTtl, int maxCachedKeys) {
            this(cacheTtl, maxCachedKeys, DEFAULT_MAX_LOOKUPS, DEFAULT_LOOKUP_WAIT);
        }
    }

    /** Why a caller was turned away. */
    public enum Reason {
        /** Nothing presented, where something is required. */
        CREDENTIALS_REQUIRED,
        /** Not a token, an unknown key, or the wrong secret: deliberately one answer for all three. */
        INVALID_CREDENTIALS,
        API_KEY_EXPIRED,
        API_KEY_REVOKED
    }

    public sealed interface Outcome {
        record Authenticated(Principal principal) implements Outcome {
        }

        record Rejected(Reason reason, String message) implements Outcome {
        }
    }

    private record Cached(Optional<ApiKeyStore.StoredKey> key, long loadedAtMillis) {
    }

    private final ApiKeyStore store;
    private final Clock clock;
    private final Map<String, Grants> identities;
    private final Settings settings;
    private final ConcurrentHashMap<ApiKeyId, Cached> cache = new ConcurrentHashMap<>();
    // bumped by every forget: a lookup that raced with one does not cache what it read before it
    private final AtomicLong forgets = new AtomicLong();
    private final Semaphore lookups;

    /** @param identities the grants of each client certificate name (SAN URI or CN) */
    public Authenticate(ApiKeyStore store, Clock clock, Map<String, Grants> identities, Settings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.identities = Map.copyOf(identities);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lookups = new Semaphore(settings.maxLookups());
    }

    /**
     * @throws io.pairdb.core.PairDbException when the key has to be looked up and the store cannot be reached
     */
    public Outcome authenticate(Credentials credentials) {
        return switch (Objects.requireNonNull(credentials, "credentials")) {
            case Credentials.None n -> new Outcome.Rejected(Reason.CREDENTIALS_REQUIRED,
                    "this call needs credentials: an API key (authorization: Bearer <token>) or a client certificate");
            case Credentials.ClientCertificate c -> new Outcome.Authenticated(
                    new Principal("cert:" + c.identity(), "", identities.getOrDefault(c.identity(), Grants.NONE)));
            case Credentials.BearerToken b -> apiKey(b.token());
        };
    }

    /** Whether {@link #authenticate} would answer from memory, without a call to the store. */
    public boolean answersFromMemory(Credentials credentials) {
        if (!(credentials instanceof Credentials.BearerToken b)) {
            return true;
        }
        Optional<ApiKeyToken> token = ApiKeyToken.parse(b.token());
        return token.isEmpty() || fresh(cache.get(token.get().id()));
    }

    /** Drops what is cached about the key: the next call with it asks the store. */
    public void forget(ApiKeyId id) {
        forgets.incrementAndGet();
        cache.remove(id);
    }

    /** Drops everything cached (for instance after missing change notifications). */
    public void forgetAll() {
        forgets.incrementAndGet();
        cache.clear();
    }

    private Outcome apiKey(String text) {
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(text);
        if (parsed.isEmpty()) {
            return invalid();
        }
        ApiKeyToken token = parsed.get();
        Optional<ApiKeyStore.StoredKey> stored = lookUp(token.id());
        if (stored.isEmpty() || !token.matches(stored.get().secretHash())) {
            return invalid();
        }
        ApiKey key = stored.get().key();
        // only now, with the secret proven, may the answer say more than "invalid"
        if (key.revoked().isPresent()) {
            return new Outcome.Rejected(Reason.API_KEY_REVOKED, "API key " + key.id() + " (" + key.name()
                    + ") was revoked at " + key.revoked().get().at());
        }
        if (key.expiredAt(clock.now())) {
            return new Outcome.Rejected(Reason.API_KEY_EXPIRED, "API key " + key.id() + " (" + key.name()
                    + ") expired at " + key.expiresAt().orElseThrow());
        }
        return new Outcome.Authenticated(new Principal("key:" + key.id(), key.name(), key.grants()));
    }

    private Optional<ApiKeyStore.StoredKey> lookUp(ApiKeyId id) {
        Cached cached = cache.get(id);
        if (fresh(cached)) {
            return cached.key();
        }
        awaitTurnToLookUp();
        Optional<ApiKeyStore.StoredKey> loaded;
        long forgetsBefore;
        long loadedAt;
        try {
            // another call may have looked the same key up while this one waited
            cached = cache.get(id);
            if (fresh(cached)) {
                return cached.key();
            }
            forgetsBefore = forgets.get();
            loadedAt = clock.nowMillis();
            loaded = store.find(id);
        } finally {
            lookups.release();
        }
        if (cache.size() >= settings.maxCachedKeys()) {
            // full: drop what is stale and the unknown ids first (a flood of made-up keys must not push
            // the real ones out, sending every caller's next call to the store), then, if still full, all
            cache.values().removeIf(c -> c.key().isEmpty() || !fresh(c));
            if (cache.size() >= settings.maxCachedKeys()) {
                cache.clear();
            }
        }
        cache.put(id, new Cached(loaded, loadedAt));
        if (forgets.get() != forgetsBefore) {
            cache.remove(id);
        }
        return loaded;
    }

    private void awaitTurnToLookUp() {
        boolean turn;
        try {
            turn = lookups.tryAcquire(settings.lookupWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairDbException("API keys", "interrupted while waiting to look an API key up");
        }
        if (!turn) {
            throw new PairDbException("API keys", settings.maxLookups() + " API keys were being looked up for "
                    + settings.lookupWait() + " (pairdb.security.max-key-lookups); try again");
        }
    }

    private boolean fresh(Cached cached) {
        return cached != null && clock.nowMillis() - cached.loadedAtMillis() < settings.cacheTtl().toMillis();
    }

    private static Outcome invalid() {
        return new Outcome.Rejected(Reason.INVALID_CREDENTIALS, "the API key is not valid");
    }
}
