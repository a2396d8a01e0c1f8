package io.pairdb.core.testing;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.SubRanges;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Storage nodes' data in memory for range streaming: scans in the storage contract's order
 * (unsigned token, tenant, key), resumable after a position; conditional batch writes. Nodes can
 * be made to fail scans or writes. Every scan opened and every entry written is recorded.
 * Answers on the caller's thread.
 */
public final class InMemoryStorageRanges implements StorageRanges {
    public static final Comparator<KeyPosition> SCAN_ORDER = Comparator.comparing(KeyPosition::token)
            .thenComparing(p -> p.tenant().value()).thenComparing(KeyPosition::key);

    /** A scan as opened: where, of which tenant, resuming after what. */
    public record ScanOpened(NodeId node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after) {
    }

    private final Map<NodeId, ConcurrentSkipListMap<KeyPosition, Entry>> data = new ConcurrentHashMap<>();
    private final Set<NodeId> failingScans = ConcurrentHashMap.newKeySet();
    private final Set<NodeId> failingDataIds = ConcurrentHashMap.newKeySet();
    private final Map<NodeId, Integer> dataIdsLeft = new ConcurrentHashMap<>();
    private final Set<NodeId> failingWrites = ConcurrentHashMap.newKeySet();
    private final List<ScanOpened> scans = new CopyOnWriteArrayList<>();
    private final Map<NodeId, Long> written = new ConcurrentHashMap<>();
    private final List<RangeDeleted> deletes = new CopyOnWriteArrayList<>();
    private final Map<NodeId, Long> calls = new ConcurrentHashMap<>();
    private final Map<NodeId, Long> batchWrites = new ConcurrentHashMap<>();
    private volatile NodeId blockedTarget;
    private volatile java.util.concurrent.CountDownLatch unblocked = new java.util.concurrent.CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * From now on a batch write to the node blocks its caller inside the call (not in the future it
     * returns) until {@link #unblockWrites()}: a step that takes as long as the test wants.
     */
    public void blockWritesTo(NodeId node) {
        unblocked = new java.util.concurrent.CountDownLatch(1);
        blockedTarget = node;
    }

    public void unblockWrites() {
        blockedTarget = null;
        unblocked.countDown();
    }

    /** Batch writes blocked so far (see {@link #blockWritesTo}). */
    public int blockedWrites() {
        return blocked.get();
    }

    /** Batch write calls the node received, blocked ones included. */
    public long batchWritesTo(NodeId node) {
        return batchWrites.getOrDefault(node, 0L);
    }
    private final Map<NodeId, Long> digestCalls = new ConcurrentHashMap<>();

    /** How many times each node started over empty ({@link #wipe}): part of its data id. */
    private final Map<NodeId, Integer> startsOver = new ConcurrentHashMap<>();

    /** The node loses everything it holds and starts over empty, under a new data id (a disk lost). */
    public void wipe(NodeId node) {
        data.remove(node);
        startsOver.merge(node, 1, Integer::sum);
    }

    /** Stores the version on the node, conditionally, as a replica write would. */
    public void put(NodeId node, TenantId tenant, String key, Version version) {
        apply(node, new Entry(tenant, key, Token.forKey(tenant.value(), key), version));
    }

    public Map<KeyPosition, Entry> held(NodeId node) {
        return Map.copyOf(node(node));
    }

    public void failScans(NodeId node, boolean fail) {
        if (fail) {
            failingScans.add(node);
        } else {
            failingScans.remove(node);
        }
    }

    /** The node answers {@code answered} more data id requests, then none: it stopped answering. */
    public void failDataIdsAfter(NodeId node, int answered) {
        dataIdsLeft.put(node, answered);
    }

    /** While set, asking the node for its data id fails, as with a node that stopped answering. */
    public void failDataIds(NodeId node, boolean fail) {
        if (fail) {
            failingDataIds.add(node);
        } else {
            failingDataIds.remove(node);
        }
    }

    public void failWrites(NodeId node, boolean fail) {
        if (fail) {
            failingWrites.add(node);
        } else {
            failingWrites.remove(node);
        }
    }

    /** Every call made to the node: scans, batch writes, digests, range deletes. */
    public long callsTo(NodeId node) {
        return calls.getOrDefault(node, 0L);
    }

    private void called(StorageNode node) {
        calls.merge(node.id(), 1L, Long::sum);
    }

    public List<ScanOpened> scansOpened() {
        return List.copyOf(scans);
    }

    /** Entries the node took through batch writes, duplicates included. */
    public long entriesWritten(NodeId node) {
        return written.getOrDefault(node, 0L);
    }

    @Override
    public Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after,
                     int batchSize) {
        called(node);
        scans.add(new ScanOpened(node.id(), range, tenant, after));
        if (after.isPresent() && !range.contains(after.get().token())) {
            throw new IllegalArgumentException("resume position " + after.get() + " is outside " + range);
        }
        Iterator<Entry> entries = segments(node(node.id()), range, after).flatMap(m -> m.values().stream())
                .filter(e -> tenant.isEmpty() || e.tenant().equals(tenant.get()))
                .iterator();
        return new Scan() {
            private boolean closed;

            @Override
            public Optional<List<Entry>> next(Duration timeout) {
                if (closed) {
                    throw new IllegalStateException("scan closed");
                }
                if (failingScans.contains(node.id())) {
                    throw new PairDbException("node " + node.id(), "scan on " + node.id() + " failed: injected");
                }
                List<Entry> batch = new ArrayList<>();
                while (batch.size() < batchSize && entries.hasNext()) {
                    batch.add(entries.next());
                }
                return batch.isEmpty() ? Optional.empty() : Optional.of(batch);
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Override
    public Scan scanClocks(StorageNode node, TokenRange range, TenantId tenant, int batchSize) {
        Scan scan = scan(node, range, Optional.of(tenant), Optional.empty(), batchSize);
        return new Scan() {
            @Override
            public Optional<List<Entry>> next(Duration timeout) {
                return scan.next(timeout).map(batch -> batch.stream()
                        .map(e -> new Entry(e.tenant(), e.key(), e.token(), e.version().tombstone() ? e.version()
                                : Version.of(new byte[0], e.version().clock(), e.version().timestampMs())))
                        .toList());
            }

            @Override
            public void close() {
                scan.close();
            }
        };
    }

    @Override
    public CompletableFuture<BatchApplied> writeBatch(StorageNode node, List<Entry> entries, Duration timeout) {
        called(node);
        batchWrites.merge(node.id(), 1L, Long::sum);
        if (node.id().equals(blockedTarget)) {
            blocked.incrementAndGet();
            try {
                unblocked.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
        }
        if (failingWrites.contains(node.id())) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(),
                    "batch write to " + node.id() + " failed: injected"));
        }
        long bytes = entries.stream().mapToLong(Entry::approximateBytes).sum();
        if (bytes > NODE_REQUEST_LIMIT_BYTES) {
            // as a real node's gRPC server does with a request over its 4 MiB inbound limit
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(), "batch write to "
                    + node.id() + " refused: RESOURCE_EXHAUSTED: a batch of " + bytes + " bytes is over 4 MiB"));
        }
        int applied = 0;
        int ignored = 0;
        int merged = 0;
        for (Entry e : entries) {
            switch (apply(node.id(), e)) {
                case 0 -> applied++;
                case 1 -> ignored++;
                default -> merged++;
            }
        }
        written.merge(node.id(), (long) entries.size(), Long::sum);
        return CompletableFuture.completedFuture(new BatchApplied(applied, ignored, merged));
    }

    @Override
    public CompletableFuture<Optional<String>> dataId(StorageNode node, Duration timeout) {
        called(node);
        if (failingDataIds.contains(node.id())
                || dataIdsLeft.containsKey(node.id()) && dataIdsLeft.merge(node.id(), -1, Integer::sum) < 0) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(),
                    "node " + node.id() + " did not answer: injected"));
        }
        return CompletableFuture.completedFuture(Optional.of(node.id().value() + "/" + startsOver.getOrDefault(node.id(), 0)));
    }

    @Override
    public CompletableFuture<Digest> digest(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        called(node);
        if (failingScans.contains(node.id())) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(),
                    "digest on " + node.id() + " failed: injected"));
        }
        return CompletableFuture.completedFuture(digestOf(node.id(), range, tenant));
    }

    @Override
    public CompletableFuture<List<Digest>> digests(StorageNode node, TokenRange range, TenantId tenant,
                                                   List<Token> splitAfter, Duration timeout) {
        if (failingScans.contains(node.id())) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(),
                    "digests on " + node.id() + " failed: injected"));
        }
        digestCalls.merge(node.id(), 1L, Long::sum);
        return CompletableFuture.completedFuture(SubRanges.cut(range, splitAfter).stream()
                .map(part -> digestOf(node.id(), part, tenant)).toList());
    }

    /** How many RangeDigests calls the node answered. */
    public long digestCalls(NodeId node) {
        return digestCalls.getOrDefault(node, 0L);
    }

    private Digest digestOf(NodeId node, TokenRange range, TenantId tenant) {
        return digestOf(inRange(node, range, tenant).toList());
    }

    /**
     * The storage contract's digest of entries in scan order: SHA-256 over each entry's token, tenant,
     * key and clock. Shared with the simulation's storage nodes, so both compute it alike.
     */
    public static Digest digestOf(List<Entry> entries) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Entry e : entries) {
            sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(e.token().value()).array());
            update(sha256, e.tenant().value());
            update(sha256, e.key());
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(e.version().clock().size()).array());
            e.version().clock().entries().forEach((id, counter) -> {
                update(sha256, id);
                sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
            });
        }
        return new Digest(HexFormat.of().formatHex(sha256.digest()), entries.size());
    }

    private static void update(MessageDigest sha256, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
        sha256.update(utf8);
    }

    @Override
    public CompletableFuture<Long> deleteRange(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        called(node);
        if (failingWrites.contains(node.id())) {
            return CompletableFuture.failedFuture(new PairDbException("node " + node.id(),
                    "range delete on " + node.id() + " failed: injected"));
        }
        List<Entry> doomed = inRange(node.id(), range, tenant).toList();
        doomed.forEach(e -> node(node.id()).remove(e.position()));
        deletes.add(new RangeDeleted(node.id(), range, tenant, doomed.size()));
        return CompletableFuture.completedFuture((long) doomed.size());
    }

    /** A range delete as done: where, of which tenant, how many entries went. */
    public record RangeDeleted(NodeId node, TokenRange range, TenantId tenant, long deleted) {
    }

    public List<RangeDeleted> rangesDeleted() {
        return List.copyOf(deletes);
    }

    /** Removes one key from the node, as if it never got there. */
    public void remove(NodeId node, TenantId tenant, String key) {
        node(node).remove(new KeyPosition(Token.forKey(tenant.value(), key), tenant, key));
    }

    private Stream<Entry> inRange(NodeId node, TokenRange range, TenantId tenant) {
        return segments(node(node), range, Optional.empty()).flatMap(m -> m.values().stream())
                .filter(e -> e.tenant().equals(tenant));
    }

    /** 0 applied, 1 ignored, 2 merged. */
    private int apply(NodeId node, Entry incoming) {
        int[] outcome = new int[1];
        node(node).compute(incoming.position(), (k, existing) -> {
            if (existing == null) {
                return incoming;
            }
            return switch (incoming.version().clock().compare(existing.version().clock())) {
                case EQUAL, BEFORE -> {
                    outcome[0] = 1;
                    yield existing;
                }
                case AFTER -> incoming;
                case CONCURRENT -> {
                    outcome[0] = 2;
                    yield new Entry(incoming.tenant(), incoming.key(), incoming.token(),
                            Resolution.resolve(existing.version(), incoming.version()));
                }
            };
        });
        return outcome[0];
    }

    private ConcurrentSkipListMap<KeyPosition, Entry> node(NodeId node) {
        return data.computeIfAbsent(node, n -> new ConcurrentSkipListMap<>(SCAN_ORDER));
    }

    /** The parts of the map in the range, in scan order, strictly after {@code after}. */
    private static Stream<NavigableMap<KeyPosition, Entry>> segments(ConcurrentSkipListMap<KeyPosition, Entry> map,
                                                                     TokenRange range, Optional<KeyPosition> after) {
        List<NavigableMap<KeyPosition, Entry>> parts = new ArrayList<>();
        long start = range.start().value();
        long end = range.end().value();
        if (!range.wraps()) {
            parts.add(between(map, start, end));
        } else {
            parts.add(above(map, start));
            parts.add(upTo(map, end));
        }
        if (after.isEmpty()) {
            return parts.stream();
        }
        KeyPosition from = after.get();
        // a wrapping range scans the tokens above its start first, then those from the bottom of the ring
        int partOfFrom = range.wraps() && Long.compareUnsigned(from.token().value(), range.start().value()) <= 0 ? 1 : 0;
        List<NavigableMap<KeyPosition, Entry>> resumed = new ArrayList<>();
        resumed.add(parts.get(partOfFrom).tailMap(from, false));
        resumed.addAll(parts.subList(partOfFrom + 1, parts.size()));
        return resumed.stream();
    }

    private static NavigableMap<KeyPosition, Entry> between(ConcurrentSkipListMap<KeyPosition, Entry> map, long start, long end) {
        return upTo(above(map, start), end);
    }

    private static NavigableMap<KeyPosition, Entry> above(NavigableMap<KeyPosition, Entry> map, long token) {
        if (token == -1L) {
            return new java.util.TreeMap<>(SCAN_ORDER);
        }
        return map.tailMap(new KeyPosition(new Token(token + 1), new TenantId("-"), ""), true);
    }

    private static NavigableMap<KeyPosition, Entry> upTo(NavigableMap<KeyPosition, Entry> map, long token) {
        if (token == -1L) {
            return map;
        }
        return map.headMap(new KeyPosition(new Token(token + 1), new TenantId("-"), ""), false);
    }
}
