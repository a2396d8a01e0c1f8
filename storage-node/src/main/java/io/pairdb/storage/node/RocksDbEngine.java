package io.pairdb.storage.node;

import com.google.protobuf.InvalidProtocolBufferException;
import io.pairdb.core.version.ConditionalApply;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.storage.server.ApplyResult;
import io.pairdb.storage.server.EntryScan;
import io.pairdb.storage.server.Position;
import io.pairdb.storage.server.Protos;
import io.pairdb.storage.server.StorageEngine;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import io.pairdb.storage.server.TokenRange;
import io.pairdb.storage.server.WritesRefusedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The storage contract's data in RocksDB, laid out by {@link KeyLayout} in three column families:
 * <ul>
 *   <li>{@code default}: position (token, tenant, key) → the version, as the proto {@code Version};
 *       every token range is one contiguous run, so streams, digests and range deletes are range scans;</li>
 *   <li>{@code keys}: identity (tenant, key) → token, because a read names a key without its token;</li>
 *   <li>{@code tombstones}: (timestamp, position) → nothing, so expired tombstones are the head of
 *       this family and a purge reads only them, never the data.</li>
 * </ul>
 * Each change to a key is one atomic write batch over the three, made under that key's lock
 * (striped), around the read-resolve-write of conditional apply.
 */
final class RocksDbEngine implements StorageEngine, AutoCloseable {

    static final String KEYS_FAMILY = "keys";
    static final String TOMBSTONES_FAMILY = "tombstones";
    private static final int LOCK_STRIPES = 1024;
    private static final byte[] NOTHING = new byte[0];

    static {
        RocksDB.loadLibrary();
    }

    /** How the engine opens its database. */
    record Settings(SyncPolicy syncPolicy, long blockCacheBytes) {
        Settings {
            Objects.requireNonNull(syncPolicy, "syncPolicy");
            if (blockCacheBytes < 0) {
                throw new IllegalArgumentException("blockCacheBytes must not be negative: " + blockCacheBytes);
            }
        }
    }

    private final Settings settings;
    private final LRUCache cache;
    private final ColumnFamilyOptions familyOptions;
    private final DBOptions dbOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle data;
    private final ColumnFamilyHandle keys;
    private final ColumnFamilyHandle tombstones;
    private final List<ColumnFamilyHandle> handles;
    private final WriteOptions acknowledgedWrites;
    private final WriteOptions bulkWrites;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    /** One bulk operation (range delete, purge) at a time. */
    private final ReentrantLock bulk = new ReentrantLock();
    /** Set when the node stops: a bulk operation under way ends at its next entry. */
    private volatile boolean bulkStopped;
    private final Set<Scan> openScans = ConcurrentHashMap.newKeySet();
    private final Supplier<Optional<WritesRefusedException>> writeRefusal;

    private RocksDbEngine(Settings settings, LRUCache cache, ColumnFamilyOptions familyOptions, DBOptions dbOptions,
                          RocksDB db, List<ColumnFamilyHandle> handles,
                          Supplier<Optional<WritesRefusedException>> writeRefusal) {
        this.settings = settings;
        this.cache = cache;
        this.familyOptions = familyOptions;
        this.dbOptions = dbOptions;
        this.db = db;
        this.handles = handles;
        this.data = handles.get(0);
        this.keys = handles.get(1);
        this.tombstones = handles.get(2);
        this.writeRefusal = writeRefusal;
        this.acknowledgedWrites = new WriteOptions().setSync(settings.syncPolicy() == SyncPolicy.ALWAYS);
        // Bulk deletes are acknowledged once, at the end, after one WAL sync (see syncIfAlways).
        this.bulkWrites = new WriteOptions().setSync(false);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * Opens (or, when {@code create}, creates) the database in {@code directory}.
     *
     * @param writeRefusal asked before every write: present while writes must be refused
     * @throws RocksDBException as RocksDB reports a missing, corrupt or locked database
     */
    static RocksDbEngine open(Path directory, boolean create, Settings settings,
                              Supplier<Optional<WritesRefusedException>> writeRefusal) throws RocksDBException {
        LRUCache cache = new LRUCache(Math.max(settings.blockCacheBytes(), 1));
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setFilterPolicy(new BloomFilter(10))
                        .setCacheIndexAndFilterBlocks(true));
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(create)
                .setCreateMissingColumnFamilies(create)
                .setParanoidChecks(true)
                .setKeepLogFileNum(5)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(KEYS_FAMILY.getBytes(StandardCharsets.UTF_8), familyOptions),
                new ColumnFamilyDescriptor(TOMBSTONES_FAMILY.getBytes(StandardCharsets.UTF_8), familyOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), families, handles);
            return new RocksDbEngine(settings, cache, familyOptions, dbOptions, db, handles, writeRefusal);
        } catch (RocksDBException | RuntimeException e) {
            handles.forEach(ColumnFamilyHandle::close);
            dbOptions.close();
            familyOptions.close();
            cache.close();
            throw e;
        }
    }

    @Override
    public ApplyResult apply(StoredEntry incoming) {
        return applyAll(List.of(incoming)).getFirst();
    }

    /**
     * Resolves every entry under its key's lock (all of the batch's locks taken at once, in stripe
     * order, so two batches cannot deadlock) and writes the outcome in one RocksDB batch: one WAL
     * sync under {@link SyncPolicy#ALWAYS} however many entries, and a refusal or failure leaves
     * none of them applied. An entry sees the ones before it in the batch, as separate applies would.
     */
    @Override
    public List<ApplyResult> applyAll(List<StoredEntry> incoming) {
        refuseIfNeeded();
        List<byte[]> identities = incoming.stream().map(e -> KeyLayout.identity(e.tenantId(), e.key())).toList();
        int[] stripes = identities.stream().mapToInt(RocksDbEngine::stripeOf).distinct().sorted().toArray();
        int held = 0;
        try {
            for (int stripe : stripes) {
                locks[stripe].lock();
                held++;
            }
            // what the batch has written so far, by key: later entries of the same key build on it
            Map<ByteBuffer, Optional<Located>> staged = new HashMap<>();
            List<ApplyResult> results = new ArrayList<>(incoming.size());
            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < incoming.size(); i++) {
                    StoredEntry entry = incoming.get(i);
                    byte[] identity = identities.get(i);
                    ByteBuffer key = ByteBuffer.wrap(identity);
                    Optional<Located> stored = staged.containsKey(key) ? staged.get(key) : locate(identity);
                    ConditionalApply.Result applied = ConditionalApply.apply(
                            stored.map(located -> located.version().toVersion()), entry.version().toVersion());
                    StoredVersion current = switch (applied.outcome()) {
                        case IGNORED -> stored.orElseThrow().version();
                        case APPLIED -> entry.version();
                        case MERGED -> StoredVersion.of(applied.current());
                    };
                    if (applied.outcome() != ConditionalApply.Outcome.IGNORED) {
                        staged.put(key, Optional.of(stage(batch, identity, stored, entry.withVersion(current))));
                    }
                    results.add(new ApplyResult(applied.outcome(), current));
                }
                if (batch.count() > 0) {
                    db.write(acknowledgedWrites, batch);
                }
            }
            return results;
        } catch (RocksDBException e) {
            throw failure("write", e);
        } finally {
            for (int i = held - 1; i >= 0; i--) {
                locks[stripes[i]].unlock();
            }
        }
    }

    @Override
    public Optional<StoredVersion> get(String tenantId, String key) {
        try {
            return locate(KeyLayout.identity(tenantId, key)).map(Located::version);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    @Override
    public EntryScan scan(TokenRange range, Optional<String> tenantId, Optional<Position> after) {
        Scan scan = new Scan(segments(range, after), tenantId);
        openScans.add(scan);
        return scan;
    }

    @Override
    public long deleteRange(TokenRange range, Optional<String> tenantId) {
        bulk.lock();
        try (EntryScan entries = scan(range, tenantId, Optional.empty())) {
            long deleted = 0;
            while (entries.hasNext()) {
                if (bulkStopped) {
                    // not a partial success: the caller must delete the range again
                    throw new IllegalStateException("storage range delete stopped after " + deleted
                            + " entries: the node is stopping");
                }
                StoredEntry seen = entries.next();
                byte[] position = KeyLayout.position(seen.position());
                // The key may have been rewritten since the scan saw it; it still goes if it is still in
                // the range, because cleanup means "this node no longer owns these tokens".
                if (removeIf(position, located -> true)) {
                    deleted++;
                }
            }
            syncIfAlways();
            return deleted;
        } catch (RocksDBException e) {
            throw failure("range delete", e);
        } finally {
            bulk.unlock();
        }
    }

    @Override
    public long keyCount() {
        try {
            return db.getLongProperty(keys, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw failure("key count", e);
        }
    }

    /**
     * Reads only the expired head of the tombstone index: the cost is the number of tombstones
     * purged, whatever the amount of data.
     */
    @Override
    public int purgeTombstonesOlderThan(long cutoffMs) {
        if (cutoffMs <= 0) {
            return 0;
        }
        bulk.lock();
        try (RocksIterator index = db.newIterator(tombstones)) {
            int purged = 0;
            for (index.seekToFirst(); index.isValid() && !bulkStopped; index.next()) {
                byte[] indexKey = index.key();
                long timestamp = KeyLayout.tombstoneTimestamp(indexKey);
                if (timestamp >= cutoffMs) {
                    break;
                }
                byte[] position = KeyLayout.tombstonePosition(indexKey);
                if (removeIf(position, located -> located.version().tombstone()
                        && located.version().timestampMs() == timestamp)) {
                    purged++;
                } else {
                    // a leftover entry (its tombstone was replaced): only the index entry goes
                    db.delete(tombstones, bulkWrites, indexKey);
                }
            }
            index.status();
            syncIfAlways();
            return purged;
        } catch (RocksDBException e) {
            throw failure("tombstone purge", e);
        } finally {
            bulk.unlock();
        }
    }

    /**
     * Ends the range delete or tombstone purge under way at its next entry, and every later one at its
     * first: the node is stopping. A range delete so ended fails (the caller deletes the range again);
     * a purge leaves the rest for the next start.
     */
    void stopBulkWork() {
        bulkStopped = true;
    }

    /** Forces the write-ahead log to disk (the periodic sync). */
    void syncWal() {
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw failure("WAL sync", e);
        }
    }

    /** Releases the open scans, syncs the log and closes the database. Call once nothing uses the engine. */
    @Override
    public void close() {
        openScans.forEach(Scan::close);
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw failure("WAL sync at close", e);
        } finally {
            try {
                acknowledgedWrites.close();
                bulkWrites.close();
                handles.forEach(ColumnFamilyHandle::close);
                db.closeE();
            } catch (RocksDBException e) {
                throw failure("close", e);
            } finally {
                dbOptions.close();
                familyOptions.close();
                cache.close();
            }
        }
    }

    // ---- one key -----------------------------------------------------------------------------------

    /** Where a key is stored and what. */
    private record Located(byte[] position, StoredVersion version) {
    }

    private Optional<Located> locate(byte[] identity) throws RocksDBException {
        byte[] token = db.get(keys, identity);
        if (token == null) {
            return Optional.empty();
        }
        byte[] position = new byte[Long.BYTES + identity.length];
        System.arraycopy(token, 0, position, 0, Long.BYTES);
        System.arraycopy(identity, 0, position, Long.BYTES, identity.length);
        byte[] version = db.get(data, position);
        // removed between the two reads: absent
        return version == null ? Optional.empty() : Optional.of(new Located(position, decode(version)));
    }

    /**
     * Runs under the key's lock: adds to {@code batch} the new version, the key's token and its
     * tombstone index entry, to be written at once. Returns where the key is then stored.
     */
    private Located stage(WriteBatch batch, byte[] identity, Optional<Located> stored, StoredEntry next)
            throws RocksDBException {
        byte[] position = KeyLayout.position(next.token(), next.tenantId(), next.key());
        batch.put(data, position, encode(next.version()));
        if (stored.isEmpty() || !Arrays.equals(stored.get().position(), position)) {
            batch.put(keys, identity, KeyLayout.longBytes(next.token()));
        }
        if (stored.isPresent()) {
            Located old = stored.get();
            if (!Arrays.equals(old.position(), position)) {
                // only a caller that computes tokens differently moves a key; keep one copy
                batch.delete(data, old.position());
            }
            if (old.version().tombstone()) {
                batch.delete(tombstones, KeyLayout.tombstoneIndex(old.version().timestampMs(), old.position()));
            }
        }
        if (next.version().tombstone()) {
            batch.put(tombstones, KeyLayout.tombstoneIndex(next.version().timestampMs(), position), NOTHING);
        }
        return new Located(position, next.version());
    }

    /** Removes the entry at {@code position}, under its key's lock, if it is still there and passes the check. */
    private boolean removeIf(byte[] position, java.util.function.Predicate<Located> stillRemovable)
            throws RocksDBException {
        byte[] identity = KeyLayout.identityOf(position);
        ReentrantLock lock = lockFor(identity);
        lock.lock();
        try {
            Optional<Located> current = locate(identity);
            if (current.isEmpty() || !Arrays.equals(current.get().position(), position)
                    || !stillRemovable.test(current.get())) {
                return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(data, position);
                batch.delete(keys, identity);
                if (current.get().version().tombstone()) {
                    batch.delete(tombstones,
                            KeyLayout.tombstoneIndex(current.get().version().timestampMs(), position));
                }
                db.write(bulkWrites, batch);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockFor(byte[] identity) {
        return locks[stripeOf(identity)];
    }

    private static int stripeOf(byte[] identity) {
        return Math.floorMod(Arrays.hashCode(identity), LOCK_STRIPES);
    }

    private void syncIfAlways() throws RocksDBException {
        if (settings.syncPolicy() == SyncPolicy.ALWAYS) {
            db.flushWal(true);
        }
    }

    private void refuseIfNeeded() {
        Optional<WritesRefusedException> refusal = writeRefusal.get();
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }

    private RuntimeException failure(String what, RocksDBException e) {
        Status status = e.getStatus();
        if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
            return new WritesRefusedException("DISK_FULL",
                    "writes refused: the data directory's disk is full (" + e.getMessage() + "); reads go on", e);
        }
        return new IllegalStateException("storage " + what + " failed: " + e.getMessage(), e);
    }

    private static byte[] encode(StoredVersion version) {
        return Protos.toProto(version).toByteArray();
    }

    private static StoredVersion decode(byte[] bytes) {
        try {
            return Protos.version("stored ", Version.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored version is unreadable: " + e.getMessage(), e);
        }
    }

    // ---- range scans -------------------------------------------------------------------------------

    /** A run of keys: from {@code from} (inclusive), up to {@code to} (exclusive; null: to the end). */
    private record Segment(byte[] from, byte[] to) {
    }

    private static List<Segment> segments(TokenRange range, Optional<Position> after) {
        long start = range.startExclusive();
        long end = range.endInclusive();
        byte[] aboveStart = start == -1L ? null : KeyLayout.tokenBound(start + 1);
        byte[] afterEnd = end == -1L ? null : KeyLayout.tokenBound(end + 1);
        List<Segment> segments = new ArrayList<>();
        if (!range.wraps()) {
            segments.add(new Segment(aboveStart, afterEnd));
        } else {
            if (aboveStart != null) { // nothing lies above the top of the ring
                segments.add(new Segment(aboveStart, null));
            }
            segments.add(new Segment(new byte[0], afterEnd));
        }
        if (after.isEmpty()) {
            return segments;
        }
        Position resume = after.get();
        if (!range.contains(resume.token())) {
            throw new IllegalArgumentException("resume position " + resume + " is outside " + range);
        }
        byte[] from = KeyLayout.successor(KeyLayout.position(resume));
        boolean inLowerPartOfWrappingRange = range.wraps() && Long.compareUnsigned(resume.token(), start) <= 0;
        if (inLowerPartOfWrappingRange) {
            return List.of(new Segment(from, afterEnd));
        }
        List<Segment> resumed = new ArrayList<>(segments);
        resumed.set(0, new Segment(from, segments.getFirst().to()));
        return resumed;
    }

    /** Walks the segments in order with one RocksDB iterator at a time, skipping other tenants' entries. */
    private final class Scan implements EntryScan {
        private final List<Segment> segments;
        private final Optional<String> tenantId;
        private int segment = -1;
        private RocksIterator iterator;
        private ReadOptions readOptions;
        private StoredEntry next;
        private boolean closed;

        Scan(List<Segment> segments, Optional<String> tenantId) {
            this.segments = segments;
            this.tenantId = tenantId;
        }

        @Override
        public synchronized boolean hasNext() {
            while (next == null && !closed) {
                if (iterator == null || !iterator.isValid() || pastEnd(iterator.key())) {
                    if (!nextSegment()) {
                        return false;
                    }
                    continue;
                }
                Position position = KeyLayout.decodePosition(iterator.key());
                if (tenantId.map(position.tenantId()::equals).orElse(true)) {
                    next = new StoredEntry(position.tenantId(), position.key(), position.token(),
                            decode(iterator.value()));
                }
                iterator.next();
            }
            return next != null;
        }

        @Override
        public synchronized StoredEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredEntry result = next;
            next = null;
            return result;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                releaseIterator();
                openScans.remove(this);
            }
        }

        private boolean nextSegment() {
            if (iterator != null) {
                checkStatus();
                releaseIterator();
            }
            segment++;
            if (segment >= segments.size()) {
                close();
                return false;
            }
            readOptions = new ReadOptions().setFillCache(false);
            iterator = db.newIterator(data, readOptions);
            iterator.seek(segments.get(segment).from());
            return true;
        }

        private boolean pastEnd(byte[] key) {
            byte[] to = segments.get(segment).to();
            return to != null && Arrays.compareUnsigned(key, to) >= 0;
        }

        private void checkStatus() {
            try {
                iterator.status();
            } catch (RocksDBException e) {
                close();
                throw failure("scan", e);
            }
        }

        private void releaseIterator() {
            if (iterator != null) {
                iterator.close();
                readOptions.close();
                iterator = null;
                readOptions = null;
            }
        }
    }
}
