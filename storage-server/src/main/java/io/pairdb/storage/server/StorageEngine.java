package io.pairdb.storage.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a storage node keeps its data: what {@link StorageNodeEndpoint} serves the storage
 * contract from. The emulator keeps it in memory, the durable node in RocksDB.
 *
 * <p>Every method is thread-safe. {@link #apply} is atomic per key: concurrent applies to one key
 * behave as if they ran one after another, so none is lost. Range operations see a weakly
 * consistent view: a key changed while a scan runs may be seen before or after the change.
 * Failures of the underlying storage are unchecked exceptions; a write the engine refuses (e.g.
 * its disk is full) is a {@link WritesRefusedException}.
 */
public interface StorageEngine {

    /**
     * Conditional apply (DESIGN.md §5) by the core's {@code ConditionalApply}: what is stored
     * afterwards is exactly what the coordinator would resolve from the stored and the incoming
     * version. Idempotent. When it returns, the result is as durable as the engine promises.
     */
    ApplyResult apply(StoredEntry incoming);

    /**
     * {@link #apply} of each entry in order, as one write: the results are those applies' results, one
     * per entry. An engine may make them durable together (one WAL sync for the batch) and refuse the
     * batch as a whole; this default applies them one after another.
     */
    default List<ApplyResult> applyAll(List<StoredEntry> incoming) {
        List<ApplyResult> results = new ArrayList<>(incoming.size());
        for (StoredEntry entry : incoming) {
            results.add(apply(entry));
        }
        return results;
    }

    /** The stored version of the key, tombstones included. */
    Optional<StoredVersion> get(String tenantId, String key);

    /**
     * The entries of {@code range} in {@link Position#ORDER} (for a wrapping range: the part above
     * its start, then the part from the bottom of the ring), read lazily. The caller closes it.
     *
     * @param after resume strictly after this position; its token lies in {@code range}
     */
    EntryScan scan(TokenRange range, Optional<String> tenantId, Optional<Position> after);

    /** Removes every entry of the range (of one tenant, or of all); returns how many went. */
    long deleteRange(TokenRange range, Optional<String> tenantId);

    /** The digest of the range's entries, the same for the same keys and clocks on any engine. */
    default RangeDigest digest(TokenRange range, Optional<String> tenantId) {
        try (EntryScan entries = scan(range, tenantId, Optional.empty())) {
            return RangeDigest.of(entries);
        }
    }

    /**
     * The digests of the sub-ranges of {@code range} cut at {@code splits} (see
     * {@link RangeDigest#ofSubRanges}), each equal to what {@link #digest} answers for that sub-range.
     */
    default List<RangeDigest> digests(TokenRange range, Optional<String> tenantId, List<Long> splits) {
        try (EntryScan entries = scan(range, tenantId, Optional.empty())) {
            return RangeDigest.ofSubRanges(range, splits, entries);
        }
    }

    /** Keys held, tombstones included; an engine may answer with an estimate. */
    long keyCount();

    /** Purges tombstones whose timestamp is before {@code cutoffMs}; returns how many went. */
    int purgeTombstonesOlderThan(long cutoffMs);
}
