package io.pairdb.core.repair;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.port.StorageRanges.Digest;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.SubRanges;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Anti-entropy for one token range of one tenant: the replicas compare digests of sub-ranges,
 * descending into those that differ (a Merkle-style descent) until a differing part is small
 * enough to compare key by key. A leaf is compared on clocks alone (values left out); only the
 * keys that differ are fetched in full, resolved by the usual rule, and the winner is written,
 * conditionally, to each replica that lacks it or holds an older or concurrent version. Tombstones
 * are repaired like values. Ranges whose digests agree move nothing but their digests.
 *
 * <p>Safe while live writes run: every repair write is a conditional apply, so a replica that
 * took a newer write after the comparison keeps it. A dry run compares and counts, and writes
 * nothing. Blocks the calling thread on storage calls, each bounded by the settings' timeout.
 */
public final class RepairRange {
    /** What one digest costs on the wire: 32 bytes of SHA-256 and a key count. */
    private static final long DIGEST_BYTES = 40;
    /** Ranges whose digests are asked for at once during the descent (times the replicas: calls in flight). */
    private static final int RANGES_IN_FLIGHT = 16;

    private final StorageRanges storage;
    private final RepairSettings settings;

    /** A repair stopped before a write because the caller no longer may write (its lease ran out). */
    public static final class WritesStopped extends RuntimeException {
        WritesStopped() {
            super("the repair may no longer write", null, false, false);
        }
    }

    public RepairRange(StorageRanges storage, RepairSettings settings) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Repairs {@code range} of {@code tenant} across {@code replicas}. Fewer than two replicas:
     * nothing to compare.
     */
    public RangeRepairOutcome repair(TenantId tenant, TokenRange range, List<StorageNode> replicas, boolean dryRun) {
        return repair(tenant, range, replicas, dryRun, () -> true);
    }

    /**
     * Like {@link #repair(TenantId, TokenRange, List, boolean)}, asking {@code mayWrite} before each
     * batch write: when it says no (the run's lease ran out), the repair stops at once with
     * {@link WritesStopped}, and what it wrote before stays (every write was conditional).
     */
    public RangeRepairOutcome repair(TenantId tenant, TokenRange range, List<StorageNode> replicas, boolean dryRun,
                                     BooleanSupplier mayWrite) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(range, "range");
        Tally tally = new Tally();
        if (replicas.size() < 2) {
            return new RangeRepairOutcome.Repaired(range, tally.report());
        }
        try {
            for (TokenRange leaf : differingLeaves(tenant, range, replicas, tally)) {
                reconcile(tenant, leaf, replicas, dryRun, tally, mayWrite);
            }
            return new RangeRepairOutcome.Repaired(range, tally.report());
        } catch (ReplicaFailure failure) {
            return new RangeRepairOutcome.ReplicaFailed(range, failure.node, failure.getMessage(), tally.report());
        }
    }

    /** The Merkle-style descent: the sub-ranges, cut no further than needed, whose digests differ. */
    private List<TokenRange> differingLeaves(TenantId tenant, TokenRange range, List<StorageNode> replicas, Tally tally) {
        List<TokenRange> leaves = new ArrayList<>();
        record Pending(TokenRange range, int depth) {
        }
        Deque<Pending> work = new ArrayDeque<>();
        work.add(new Pending(range, 0));
        while (!work.isEmpty()) {
            // Several ranges' digests are asked for at once: a descent is mostly round trips.
            record Asked(Pending pending, List<Token> splits, Map<StorageNode, CompletableFuture<List<Digest>>> answers) {
            }
            List<Asked> asked = new ArrayList<>();
            while (!work.isEmpty() && asked.size() < RANGES_IN_FLIGHT) {
                Pending next = work.poll();
                List<Token> splits = SubRanges.evenSplits(next.range(), settings.fanOut());
                Map<StorageNode, CompletableFuture<List<Digest>>> answers = new LinkedHashMap<>();
                for (StorageNode replica : replicas) {
                    answers.put(replica, storage.digests(replica, next.range(), tenant, splits, settings.storageTimeout()));
                }
                asked.add(new Asked(next, splits, answers));
            }
            for (Asked a : asked) {
                compare(a.pending().range(), a.pending().depth(), a.splits(), a.answers(), tally, leaves,
                        (part, depth) -> work.add(new Pending(part, depth)));
            }
        }
        tally.leavesDiffered += leaves.size();
        return leaves;
    }

    /** Sorts the sub-ranges of one digest call: agreeing (dropped), differing leaves, or to be cut again. */
    private void compare(TokenRange range, int depth, List<Token> splits,
                         Map<StorageNode, CompletableFuture<List<Digest>>> asked, Tally tally, List<TokenRange> leaves,
                         BiConsumer<TokenRange, Integer> descend) {
        List<TokenRange> parts = SubRanges.cut(range, splits);
        List<List<Digest>> answers = new ArrayList<>();
        for (var answer : asked.entrySet()) {
            List<Digest> digests = await(answer.getKey(), answer.getValue());
            if (digests.size() != parts.size()) {
                throw new ReplicaFailure(answer.getKey().id(), "node " + answer.getKey().id() + " answered "
                        + digests.size() + " digests for " + parts.size() + " sub-ranges of " + range);
            }
            answers.add(digests);
        }
        tally.rangesCompared += parts.size();
        tally.bytesRead += DIGEST_BYTES * parts.size() * asked.size();
        for (int i = 0; i < parts.size(); i++) {
            int part = i;
            boolean agree = answers.stream().map(d -> d.get(part).sha256()).distinct().count() == 1;
            if (agree) {
                continue;
            }
            long mostKeys = answers.stream().mapToLong(d -> d.get(part).keys()).max().orElse(0);
            boolean leaf = mostKeys <= settings.leafKeys() || depth + 1 >= settings.maxDepth()
                    || !SubRanges.divisible(parts.get(part));
            if (leaf) {
                leaves.add(parts.get(part));
            } else {
                descend.accept(parts.get(part), depth + 1);
            }
        }
    }

    /**
     * Compares the leaf key by key on clocks alone, then fetches the full versions of the keys that
     * differ only, resolves each and writes the winner where it is missing or older.
     */
    private void reconcile(TenantId tenant, TokenRange leaf, List<StorageNode> replicas, boolean dryRun, Tally tally,
                           BooleanSupplier mayWrite) {
        Map<StorageNode, Map<String, Entry>> held = new LinkedHashMap<>();
        Map<String, Token> keys = new TreeMap<>();
        for (StorageNode replica : replicas) {
            Map<String, Entry> clocks = scan(replica, leaf, tally,
                    () -> storage.scanClocks(replica, leaf, tenant, settings.batchSize()));
            held.put(replica, clocks);
            clocks.values().forEach(e -> keys.putIfAbsent(e.key(), e.token()));
        }
        Map<StorageNode, List<Entry>> toWrite = new LinkedHashMap<>();
        for (var key : keys.entrySet()) {
            tally.keysCompared++;
            Map<VectorClock, List<StorageNode>> holders = new LinkedHashMap<>();
            boolean missing = false;
            for (var replica : held.entrySet()) {
                Entry mine = replica.getValue().get(key.getKey());
                if (mine == null) {
                    missing = true;
                } else {
                    holders.computeIfAbsent(mine.version().clock(), c -> new ArrayList<>()).add(replica.getKey());
                }
            }
            if (!missing && holders.size() == 1) {
                continue;
            }
            tally.keysDiffering++;
            if (dryRun) {
                continue;
            }
            Optional<Version> winner = resolve(tenant, key.getKey(), key.getValue(), holders, tally);
            if (winner.isEmpty()) {
                continue;
            }
            Entry resolved = new Entry(tenant, key.getKey(), key.getValue(), winner.get());
            for (var replica : held.entrySet()) {
                Entry mine = replica.getValue().get(key.getKey());
                if (mine == null || !mine.version().clock().equals(winner.get().clock())) {
                    toWrite.computeIfAbsent(replica.getKey(), r -> new ArrayList<>()).add(resolved);
                }
            }
        }
        for (var writes : toWrite.entrySet()) {
            for (List<Entry> batch : StorageRanges.batches(writes.getValue(), settings.batchSize(),
                    StorageRanges.DEFAULT_BATCH_BYTES)) {
                if (!mayWrite.getAsBoolean()) {
                    throw new WritesStopped();
                }
                await(writes.getKey(), storage.writeBatch(writes.getKey(), batch, settings.storageTimeout()));
                tally.entriesWritten += batch.size();
                tally.bytesWritten += batch.stream().mapToLong(Entry::approximateBytes).sum();
            }
        }
    }

    /**
     * The resolution of a differing key: the full version of each clock no other copy's clock
     * dominates, fetched from a replica holding it (the next one when a holder no longer has the key:
     * a tombstone its purge took meanwhile may still be on another), resolved by the usual rule.
     * Empty when every holder's copy went meanwhile (a range delete, or purges everywhere).
     */
    private Optional<Version> resolve(TenantId tenant, String key, Token token,
                                      Map<VectorClock, List<StorageNode>> holders, Tally tally) {
        List<Version> candidates = new ArrayList<>();
        // the key's own token as a range of one token: a scan of exactly the keys at that token
        TokenRange justTheKey = new TokenRange(new Token(token.value() - 1), token);
        for (var holder : holders.entrySet()) {
            boolean dominated = holders.keySet().stream()
                    .anyMatch(other -> holder.getKey().compare(other) == Causality.BEFORE);
            if (dominated) {
                continue;
            }
            for (StorageNode replica : holder.getValue()) {
                Optional<Version> found = scan(replica, justTheKey, tally,
                        () -> storage.scan(replica, justTheKey, Optional.of(tenant), Optional.empty(), settings.batchSize()))
                        .values().stream().filter(e -> e.key().equals(key)).findFirst().map(Entry::version);
                if (found.isPresent()) {
                    candidates.add(found.get());
                    break;
                }
            }
        }
        return Resolution.resolve(candidates);
    }

    private Map<String, Entry> scan(StorageNode replica, TokenRange range, Tally tally,
                                    Supplier<StorageRanges.Scan> open) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (StorageRanges.Scan scan = open.get()) {
            for (Optional<List<Entry>> batch = scan.next(settings.storageTimeout()); batch.isPresent();
                 batch = scan.next(settings.storageTimeout())) {
                for (Entry e : batch.get()) {
                    entries.put(e.key(), e);
                    tally.bytesRead += e.approximateBytes();
                }
            }
        } catch (PairDbException e) {
            throw new ReplicaFailure(replica.id(), "scan of " + range + " on " + replica.id() + " failed: "
                    + e.getMessage());
        }
        return entries;
    }

    private <T> T await(StorageNode node, CompletableFuture<T> call) {
        Duration bound = settings.storageTimeout().plusSeconds(1);
        try {
            return call.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ReplicaFailure(node.id(), String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new ReplicaFailure(node.id(), "node " + node.id() + " gave no answer within " + bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaFailure(node.id(), "interrupted while waiting for node " + node.id());
        }
    }

    /** Ends a range's repair at the first replica that fails; carries which one. */
    private static final class ReplicaFailure extends RuntimeException {
        private final NodeId node;

        ReplicaFailure(NodeId node, String message) {
            super(message, null, false, false);
            this.node = node;
        }
    }

    /** Counters of one range's repair. */
    private static final class Tally {
        long rangesCompared;
        long leavesDiffered;
        long keysCompared;
        long keysDiffering;
        long entriesWritten;
        long bytesRead;
        long bytesWritten;

        RepairReport report() {
            return new RepairReport(rangesCompared, leavesDiffered, keysCompared, keysDiffering, entriesWritten,
                    bytesRead, bytesWritten);
        }
    }
}
