package io.pairdb.storage.server;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

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
        Accumulator digest = new Accumulator();
        entries.forEachRemaining(digest::add);
        return digest.finish();
    }

    /**
     * The digests of the sub-ranges {@code (start, s1], (s1, s2], ..., (sk, end]} of {@code range}
     * from one pass over its entries in scan order.
     *
     * @param splits strictly increasing in the range's scan order, inside it, none its end
     * @throws IllegalArgumentException naming the first split that breaks that rule
     */
    public static List<RangeDigest> ofSubRanges(TokenRange range, List<Long> splits, Iterator<StoredEntry> entries) {
        long[] bounds = new long[splits.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = offsetOf(range, splits.get(i), i);
            if (i > 0 && Long.compareUnsigned(bounds[i], bounds[i - 1]) <= 0) {
                throw new IllegalArgumentException("split_after[" + i + "] " + Long.toUnsignedString(splits.get(i))
                        + " does not follow split_after[" + (i - 1) + "] in the range's scan order");
            }
        }
        List<RangeDigest> digests = new ArrayList<>(bounds.length + 1);
        Accumulator current = new Accumulator();
        int subRange = 0;
        while (entries.hasNext()) {
            StoredEntry entry = entries.next();
            long offset = entry.token() - range.startExclusive();
            while (subRange < bounds.length && Long.compareUnsigned(offset, bounds[subRange]) > 0) {
                digests.add(current.finish());
                current = new Accumulator();
                subRange++;
            }
            current.add(entry);
        }
        digests.add(current.finish());
        while (digests.size() < bounds.length + 1) {
            digests.add(new Accumulator().finish());
        }
        return digests;
    }

    /** How far past the range's start the split lies, which orders tokens as a scan of the range meets them. */
    private static long offsetOf(TokenRange range, long split, int index) {
        long offset = split - range.startExclusive();
        long width = range.endInclusive() - range.startExclusive();
        // width 0 is the whole ring: every offset but 0 (the end) lies inside it
        boolean inside = offset != 0 && (width == 0 || Long.compareUnsigned(offset, width) < 0);
        if (!inside) {
            throw new IllegalArgumentException("split_after[" + index + "] " + Long.toUnsignedString(split)
                    + " is not inside the range " + range + " short of its end");
        }
        return offset;
    }

    /** Entries hashed one by one in scan order. */
    private static final class Accumulator {
        private final MessageDigest sha256 = newSha256();
        private long count;

        void add(StoredEntry entry) {
            update(sha256, entry);
            count++;
        }

        RangeDigest finish() {
            return new RangeDigest(ByteString.copyFrom(sha256.digest()), count);
        }
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
