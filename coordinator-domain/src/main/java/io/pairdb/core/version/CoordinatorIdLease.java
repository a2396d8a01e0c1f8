package io.pairdb.core.version;

import java.util.Objects;
import java.util.Optional;

/**
 * The coordinator id this coordinator issues clock entries under, and until when it may. A
 * configured id is held for good; an id leased from the shared pool only until its lease runs
 * out, measured from when the lease was requested (never later than the pool's own expiry, which
 * counts from when the pool granted it). Once the lease has run out, another coordinator may
 * hold the id, so issuing under it could give two writes equal clocks: the issuer refuses until
 * a renewal or a fresh claim is recorded here. Thread-safe.
 */
public final class CoordinatorIdLease {
    private record Held(String id, long validUntilMillis) {
        Held {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("coordinator id must not be blank");
            }
        }
    }

    private volatile Held held;

    private CoordinatorIdLease(Held held) {
        this.held = held;
    }

    /** An id nobody else is given (configured by the operator): held as long as the process runs. */
    public static CoordinatorIdLease fixed(String id) {
        return new CoordinatorIdLease(new Held(id, Long.MAX_VALUE));
    }

    /** An id leased from the pool, held until {@code validUntilMillis} unless renewed. */
    public static CoordinatorIdLease leased(String id, long validUntilMillis) {
        return new CoordinatorIdLease(new Held(id, validUntilMillis));
    }

    /** The pool granted (or renewed) {@code id} until {@code validUntilMillis}. */
    public void heldUntil(String id, long validUntilMillis) {
        held = new Held(id, validUntilMillis);
    }

    /** The pool says another instance holds the id now. */
    public void lost() {
        held = new Held(held.id(), Long.MIN_VALUE);
    }

    /** The id, if it is held at {@code nowMillis}. */
    public Optional<String> idAt(long nowMillis) {
        Held current = held;
        return nowMillis < current.validUntilMillis() ? Optional.of(current.id()) : Optional.empty();
    }

    /** The id held last, whether or not it is held now (for messages and names, never for clocks). */
    public String lastId() {
        return held.id();
    }
}
