package io.pairdb.emulator;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where an entry sits in the node's scan order: unsigned token, then tenant, then key.
 * A position with a {@code null} tenant and key sorts before every entry with its token; range
 * scans use such positions as bounds.
 */
public record Position(long token, String tenantId, String key) {

    public static final Comparator<Position> ORDER =
            Comparator.comparing(Position::token, Long::compareUnsigned)
                    .thenComparing(Position::tenantId, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Position::key, Comparator.nullsFirst(Comparator.naturalOrder()));

    public Position {
        if ((tenantId == null) != (key == null)) {
            throw new IllegalArgumentException("tenant and key are both set or both absent");
        }
    }

    public static Position of(long token, String tenantId, String key) {
        return new Position(token, Objects.requireNonNull(tenantId), Objects.requireNonNull(key));
    }

    /** A bound that sorts before every entry whose token is {@code token}. */
    static Position before(long token) {
        return new Position(token, null, null);
    }
}
