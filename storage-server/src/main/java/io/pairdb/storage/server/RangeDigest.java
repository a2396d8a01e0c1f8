package io.pairdb.storage.server;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;

/**
 * SHA-256 over the entries of a range in scan order, so two replicas holding the same keys
 * under the same clocks agree however the keys arrived. Per entry: the token as 8 bytes
 * big-endian, the tenant id and the key (each as a 4-byte big-endian length and UTF-8 bytes),
 * the number of clock entries (4 bytes), then each clock entry in coordinator id order
 * (length-prefixed id, 8-byte timestamp). Length prefixes keep ("ab","c") apart from ("a","bc").
 * Values are not hashed: the clock identifies the version.
 */
public record RangeDigest(ByteString digest, long keyCount) {

    public static RangeDigest of(Iterator<StoredEntry> entries) {
        MessageDigest sha256 = newSha256();
        long count = 0;
        while (entries.hasNext()) {
            update(sha256, entries.next());
            count++;
        }
        return new RangeDigest(ByteString.copyFrom(sha256.digest()), count);
    }

    private static void update(MessageDigest sha256, StoredEntry entry) {
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(entry.token()).array());
        updateString(sha256, entry.tenantId());
        updateString(sha256, entry.key());
        var clock = entry.version().clock().entries();
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(clock.size()).array());
        clock.forEach((coordinator, timestamp) -> {
            updateString(sha256, coordinator);
            sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
        });
    }

    private static void updateString(MessageDigest sha256, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
        sha256.update(utf8);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
