package io.pairdb.core.port;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The range half of the storage contract, for moving data between nodes when the ring changes:
 * scanning a token range ({@code StreamRange}) and applying entries in bulk ({@code WriteBatch}).
 * Thread-safe. Failures are {@link io.pairdb.core.PairDbException}s naming the node.
 */
public interface StorageRanges {
    /** One stored version of a key, as a scan yields it and a batch write takes it. */
    record Entry(TenantId tenant, String key, Token token, Version version) {
        public Entry {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(version, "version");
        }

        public KeyPosition position() {
            return new KeyPosition(token, tenant, key);
        }

        /** Roughly what the entry costs on the wire: key, value and clock. */
        public long approximateBytes() {
            long clock = version.clock().entries().keySet().stream().mapToLong(id -> id.length() + 10L).sum();
            return 24L + tenant.value().length() + key.getBytes(StandardCharsets.UTF_8).length + version.valueSize() + clock;
        }
    }

    /**
     * What a node holds of a range for one tenant: a SHA-256 (hex) over the token, tenant, key and
     * clock of every entry in scan order, and how many entries. Two nodes holding the same keys
     * under the same clocks answer the same digest however the keys got there.
     */
    record Digest(String sha256, long keys) {
        public Digest {
            Objects.requireNonNull(sha256, "sha256");
            if (keys < 0) {
                throw new IllegalArgumentException("key count must not be negative");
            }
        }
    }

    /** How a node applied a batch (conditional apply, DESIGN.md §5). */
    record BatchApplied(int applied, int ignored, int merged) {
    }

    /**
     * An open scan of a range on one node, read one batch at a time; the node sends the next
     * batch only once the previous one was taken (flow control), so a slow reader holds the scan
     * back instead of buffering it. One reader at a time.
     */
    interface Scan extends AutoCloseable {
        /**
         * The next batch in scan order, or empty once the range is exhausted. Blocks for at most
         * {@code timeout}; throws {@link io.pairdb.core.PairDbException} when the node fails the
         * scan, cannot be reached or sends nothing within the timeout (the scan is then over).
         */
        Optional<List<Entry>> next(Duration timeout);

        /** Ends the scan on the node if it is still running. Idempotent; never throws. */
        @Override
        void close();
    }

    /**
     * Opens a scan of {@code range} on the node: every tenant, or only {@code tenant}; strictly
     * after {@code after} when given (its token must lie in the range), else from the start of
     * the range. Returns at once; a failure to start surfaces on the first {@link Scan#next}.
     *
     * @param batchSize the most entries per batch (the node may send fewer)
     */
    Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after, int batchSize);

    /**
     * Like {@link #scan} of one tenant from the start of the range, with every value left out
     * ({@code StreamRange} with {@code without_values}): each entry's version carries its clock,
     * timestamp and tombstone flag and an empty value, for comparing replicas key by key cheaply.
     */
    Scan scanClocks(StorageNode node, TokenRange range, TenantId tenant, int batchSize);

    /**
     * Applies every entry conditionally, as a write would. Idempotent: entries the node already
     * holds (or holds something newer of) are ignored. A failed future may still have applied
     * some entries. A node refuses a request over {@link #NODE_REQUEST_LIMIT_BYTES}: cut the
     * entries with {@link #batches} first.
     */
    CompletableFuture<BatchApplied> writeBatch(StorageNode node, List<Entry> entries, Duration timeout);

    /** The largest request a storage node takes (gRPC's inbound limit, which its server keeps). */
    long NODE_REQUEST_LIMIT_BYTES = 4L << 20;

    /**
     * The most {@link Entry#approximateBytes() bytes} a batch write may be given: well under
     * {@link #NODE_REQUEST_LIMIT_BYTES}, which counts the encoding's overhead as well.
     */
    long MAX_BATCH_BYTES = 3L << 20;

    /** What batch writes send when nothing else is configured: 1 MiB. */
    long DEFAULT_BATCH_BYTES = 1L << 20;

    /**
     * The entries, in order, cut into batches of at most {@code maxEntries} entries and {@code maxBytes}
     * bytes; an entry larger than {@code maxBytes} alone goes as a batch of its own.
     */
    static List<List<Entry>> batches(List<Entry> entries, int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a batch holds at least one entry and one byte");
        }
        List<List<Entry>> batches = new ArrayList<>();
        List<Entry> batch = new ArrayList<>();
        long bytes = 0;
        for (Entry e : entries) {
            long size = e.approximateBytes();
            if (!batch.isEmpty() && (batch.size() >= maxEntries || bytes + size > maxBytes)) {
                batches.add(List.copyOf(batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(e);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(List.copyOf(batch));
        }
        return batches;
    }

    /**
     * Names the copy of data the node holds (the {@code data_id} of its {@code Health} answer): it
     * stays the same across restarts that keep the data and changes when the node starts over
     * empty (its disk lost or replaced). Empty when the node does not say. Read-only; fails like
     * {@link #digest}.
     */
    CompletableFuture<Optional<String>> dataId(StorageNode node, Duration timeout);

    /**
     * The node's digest of {@code range} for {@code tenant} ({@code RangeDigest}). Read-only. The
     * future fails with a {@link io.pairdb.core.PairDbException} naming the node when the node
     * fails or does not answer within {@code timeout}.
     */
    CompletableFuture<Digest> digest(StorageNode node, TokenRange range, TenantId tenant, Duration timeout);

    /**
     * The node's digests of the consecutive sub-ranges of {@code range} cut after each token of
     * {@code splitAfter} ({@code RangeDigests}): {@code (start, s1], (s1, s2], ..., (sk, end]}, one
     * {@link Digest} per sub-range, each as {@link #digest} would answer for it, from one scan on
     * the node. The splits lie inside the range short of its end, strictly increasing in the order
     * a scan of the range meets them (at most 4096). Read-only. Fails like {@link #digest}.
     */
    CompletableFuture<List<Digest>> digests(StorageNode node, TokenRange range, TenantId tenant, List<Token> splitAfter,
                                            Duration timeout);

    /**
     * Deletes every entry of {@code tenant} in {@code range} from the node ({@code DeleteRange})
     * and answers how many went. Idempotent: a repeat deletes nothing more. A failed future may
     * still have deleted some entries.
     */
    CompletableFuture<Long> deleteRange(StorageNode node, TokenRange range, TenantId tenant, Duration timeout);
}
