package io.pairdb.core.security;

import io.pairdb.core.Identifiers;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key as stored, without its secret (only the secret's hash is ever stored, see
 * {@link ApiKeyToken}).
 *
 * @param name what the key is for, chosen by the operator (1–64 of {@code [A-Za-z0-9._-]})
 * @param createdBy the principal that issued it
 * @param expiresAt after this instant the key is refused; empty: it does not expire
 * @param revoked set once the key is revoked; a revoked key is refused from then on
 */
public record ApiKey(ApiKeyId id, String name, Grants grants, Instant createdAt, String createdBy,
                     Optional<Instant> expiresAt, Optional<Revocation> revoked) {

    /** Who revoked the key and when. */
    public record Revocation(Instant at, String by) {
        public Revocation {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(by, "by");
        }
    }

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(grants, "grants");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(revoked, "revoked");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("an API key name must be 1-64 characters of letters, digits, '.', '_'"
                    + " or '-': '" + name + "'");
        }
    }

    public static boolean isValidName(String name) {
        return Identifiers.isPlainName(name, 64);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt.map(at -> !now.isBefore(at)).orElse(false);
    }

    public ApiKey withGrants(Grants newGrants) {
        return new ApiKey(id, name, newGrants, createdAt, createdBy, expiresAt, revoked);
    }

    public ApiKey revokedAt(Instant at, String by) {
        return new ApiKey(id, name, grants, createdAt, createdBy, expiresAt, Optional.of(new Revocation(at, by)));
    }
}
