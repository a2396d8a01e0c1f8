package io.pairdb.core.security;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.RandomBytes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What operators do with API keys: issue one (its token is returned once and never stored),
 * list, revoke, change a key's grants, and make sure the bootstrap admin key exists. Every change
 * is forgotten by this coordinator's {@link Authenticate} at once; the store tells the others.
 * Thread-safe.
 */
public final class ManageApiKeys {
    private static final int ISSUE_ATTEMPTS = 3;

    /** A new key and its token, which only this answer ever holds. */
    public record Issued(ApiKey key, ApiKeyToken token) {
    }

    public sealed interface RevokeOutcome {
        record Revoked(ApiKey key) implements RevokeOutcome {
        }

        record AlreadyRevoked(ApiKey key) implements RevokeOutcome {
        }

        record NotFound(ApiKeyId id) implements RevokeOutcome {
        }
    }

    public enum Bootstrap {
        /** The key was not there and now is. */
        CREATED,
        /** A key with the token's id exists (revoked keys stay revoked); nothing changed. */
        PRESENT
    }

    private final ApiKeyStore store;
    private final Clock clock;
    private final RandomBytes random;
    private final Authenticate authenticate;

    public ManageApiKeys(ApiKeyStore store, Clock clock, RandomBytes random, Authenticate authenticate) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
    }

    /**
     * Issues a key.
     *
     * @param validFor how long the key is valid; empty: it does not expire
     * @throws IllegalArgumentException when the name is not a valid key name or validFor is not positive
     */
    public Issued issue(String name, Set<Permission> grants, Optional<Duration> validFor, Principal by) {
        if (!ApiKey.isValidName(name)) {
            throw new IllegalArgumentException("the key name must be 1-64 characters of letters, digits, '.', '_'"
                    + " or '-', was '" + name + "'");
        }
        validFor.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("a key's validity must be positive, was " + d);
            }
        });
        var now = clock.now();
        for (int attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
            ApiKeyToken token = ApiKeyToken.generate(random.next(ApiKeyToken.ID_BYTES), random.next(ApiKeyToken.SECRET_BYTES));
            ApiKey key = new ApiKey(token.id(), name, new Grants(grants), now, by.toString(),
                    validFor.map(now::plus), Optional.empty());
            if (store.insert(key, token.secretHash()) == ApiKeyStore.InsertOutcome.INSERTED) {
                authenticate.forget(key.id());
                return new Issued(key, token);
            }
        }
        // eighty random bits colliding three times means the random source is broken
        throw new PairDbException("api_keys", "could not find a free API key id in " + ISSUE_ATTEMPTS + " attempts");
    }

    /**
     * Makes sure the key of a token given to the coordinator in its configuration (the first
     * admin credential) exists, with the grants given. A key that exists is left as it is, so an
     * operator's revocation of it stands across restarts.
     */
    public Bootstrap ensure(ApiKeyToken token, String name, Grants grants) {
        ApiKey key = new ApiKey(token.id(), name, grants, clock.now(), "configuration", Optional.empty(), Optional.empty());
        if (store.insert(key, token.secretHash()) == ApiKeyStore.InsertOutcome.INSERTED) {
            authenticate.forget(key.id());
            return Bootstrap.CREATED;
        }
        return Bootstrap.PRESENT;
    }

    public List<ApiKey> list() {
        return store.list();
    }

    public RevokeOutcome revoke(ApiKeyId id, Principal by) {
        Optional<ApiKey> before = store.find(id).map(ApiKeyStore.StoredKey::key);
        if (before.isEmpty()) {
            return new RevokeOutcome.NotFound(id);
        }
        if (before.get().revoked().isPresent()) {
            return new RevokeOutcome.AlreadyRevoked(before.get());
        }
        Optional<ApiKey> after = store.revoke(id, new ApiKey.Revocation(clock.now(), by.toString()));
        authenticate.forget(id);
        return after.<RevokeOutcome>map(RevokeOutcome.Revoked::new).orElseGet(() -> new RevokeOutcome.NotFound(id));
    }

    /** Adds and removes grants; empty when there is no such key. */
    public Optional<ApiKey> changeGrants(ApiKeyId id, Set<Permission> add, Set<Permission> remove) {
        Optional<ApiKey> after = store.changeGrants(id, add, remove);
        authenticate.forget(id);
        return after;
    }
}
