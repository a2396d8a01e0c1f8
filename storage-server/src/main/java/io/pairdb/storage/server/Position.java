package io.pairdb.storage.server;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where an entry sits in a node's scan order: unsigned token, then tenant, then key.
 * A position with a {@code null} tenant and key sorts before every entry with its token; range
 * scans use such positions as bounds.
 */
public record Position(long token, String tenantId, String key) {

    /**
     * Strings compare by code point, which is the order of their UTF-8 bytes: a node that keeps
     * keys as bytes (the durable node) scans in exactly this order, so digests match. (Java's own
     * {@code String.compareTo} orders by UTF-16 unit and differs for characters above U+FFFF.)
     */
    public static final Comparator<String> CODE_POINT_ORDER = Position::compareCodePoints;

    public static final Comparator<Position> ORDER =
            Comparator.comparing(Position::token, Long::compareUnsigned)
                    .thenComparing(Position::tenantId, Comparator.nullsFirst(CODE_POINT_ORDER))
                    .thenComparing(Position::key, Comparator.nullsFirst(CODE_POINT_ORDER));

    public Position {
        if ((tenantId == null) != (key == null)) {
            throw new IllegalArgumentException("tenant and key are both set or both absent");
        }
    }

    public static Position of(long token, String tenantId, String key) {
        return new Position(token, Objects.requireNonNull(tenantId), Objects.requireNonNull(key));
    }

    /** A bound that sorts before every entry whose token is {@code token}. */
    public static Position before(long token) {
        return new Position(token, null, null);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
