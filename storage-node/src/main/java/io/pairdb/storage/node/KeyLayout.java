package io.pairdb.storage.node;

import io.pairdb.storage.server.Position;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How keys sit in RocksDB, whose order is that of unsigned bytes.
 *
 * <p>An entry's key is its {@link Position}: the token as 8 bytes big-endian (so byte order is
 * unsigned token order and every token range is one contiguous run of keys), then the tenant id
 * and the key, each as UTF-8 with every 0x00 written 0x00 0xFF and closed by 0x00 0x01. The
 * escaping keeps the parts apart ({@code ("ab","c")} and {@code ("a","bc")} never meet, whatever
 * bytes a key holds) and keeps their order: the whole sorts exactly as {@link Position#ORDER}.
 *
 * <p>An identity ({@code tenant, key} without the token) is laid out the same way, for looking a
 * key up by name; a tombstone's index key is its timestamp (8 bytes big-endian) then its position.
 */
final class KeyLayout {

    private static final byte ZERO = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte TERMINATOR = 0x01;

    private KeyLayout() {
    }

    static byte[] position(long token, String tenantId, String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + tenantId.length() + key.length() + 8);
        out.writeBytes(longBytes(token));
        writeEscaped(out, tenantId);
        writeEscaped(out, key);
        return out.toByteArray();
    }

    static byte[] position(Position position) {
        return position(position.token(), position.tenantId(), position.key());
    }

    static byte[] identity(String tenantId, String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tenantId.length() + key.length() + 8);
        writeEscaped(out, tenantId);
        writeEscaped(out, key);
        return out.toByteArray();
    }

    /** The identity part of a position key: everything after the token. */
    static byte[] identityOf(byte[] position) {
        return Arrays.copyOfRange(position, Long.BYTES, position.length);
    }

    /** Sorts before every entry whose token is {@code token}, and after every entry with a smaller one. */
    static byte[] tokenBound(long token) {
        return longBytes(token);
    }

    /** The least key greater than {@code key}: no valid key lies between them. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    static Position decodePosition(byte[] bytes) {
        long token = ByteBuffer.wrap(bytes, 0, Long.BYTES).getLong();
        int[] at = {Long.BYTES};
        String tenantId = readEscaped(bytes, at);
        String key = readEscaped(bytes, at);
        return Position.of(token, tenantId, key);
    }

    static byte[] tombstoneIndex(long timestampMs, byte[] position) {
        return ByteBuffer.allocate(Long.BYTES + position.length).putLong(timestampMs).put(position).array();
    }

    static long tombstoneTimestamp(byte[] indexKey) {
        return ByteBuffer.wrap(indexKey, 0, Long.BYTES).getLong();
    }

    static byte[] tombstonePosition(byte[] indexKey) {
        return Arrays.copyOfRange(indexKey, Long.BYTES, indexKey.length);
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static void writeEscaped(ByteArrayOutputStream out, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == ZERO) {
                out.write(ESCAPED_ZERO);
            }
        }
        out.write(ZERO);
        out.write(TERMINATOR);
    }

    private static String readEscaped(byte[] bytes, int[] at) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int i = at[0];
        while (true) {
            byte b = bytes[i++];
            if (b != ZERO) {
                text.write(b);
                continue;
            }
            byte next = bytes[i++];
            if (next == TERMINATOR) {
                break;
            }
            if (next != ESCAPED_ZERO) {
                throw new IllegalStateException("malformed key: 0x00 followed by " + next + " at " + (i - 1));
            }
            text.write(ZERO);
        }
        at[0] = i;
        return text.toString(StandardCharsets.UTF_8);
    }
}
