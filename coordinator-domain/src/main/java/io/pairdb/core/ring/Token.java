package io.pairdb.core.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A position on the ring: an unsigned 64-bit number held in a long. Always compare with
 * {@link #compareTo}, which is unsigned.
 */
public record Token(long value) implements Comparable<Token> {
    public static final Token MIN = new Token(0L);
    public static final Token MAX = new Token(-1L);

    /** First 8 bytes, big-endian, of SHA-256 of the UTF-8 string (DESIGN.md §4). */
    public static Token hash(String s) {
        byte[] digest = sha256().digest(s.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xFFL);
        }
        return new Token(v);
    }

    public static Token forKey(String tenantId, String key) {
        return hash(tenantId + ":" + key);
    }

    public static Token forVnode(String nodeId, int index) {
        return hash(nodeId + "-vnode-" + index);
    }

    public static Token parseUnsigned(String decimal) {
        return new Token(Long.parseUnsignedLong(decimal));
    }

    @Override
    public int compareTo(Token other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
