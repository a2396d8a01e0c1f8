package io.pairdb.core.cleanup;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeConflicts;
import io.pairdb.core.topology.ClusterStores;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deletes what former owners still hold of the ranges completed changes moved away from them
 * (DESIGN.md §6), one claimed range at a time. A range's copy on its former owner goes only when:
 *
 * <ul>
 *   <li>its change completed at least the grace period ago (or the cleanup was forced);</li>
 *   <li>no change in flight moves an overlapping range or concerns the former owner;</li>
 *   <li>the former owner is not, by the ring as it is now, a natural or pending replica of (a piece
 *       of) the range for a tenant concerned: such pieces are kept — the ring may have changed since;</li>
 *   <li>unless forced, for every piece and tenant: a quorum of the piece's current replicas for the
 *       tenant's RF report the same digest, and one of them covers every entry of the former owner
 *       (holds the key with an equal or later clock).</li>
 * </ul>
 *
 * An entry of the former owner that the replicas do not cover may be a write acknowledged by it
 * alone after its range had streamed (an RF lowering, or a write at {@code one} whose hint for the
 * new replica could not be stored): when it was written within the handover window (see
 * {@link CleanupSettings#handoverWindow}), it is written to the piece's replicas conditionally, as
 * a hint would be, and the range is verified again at the next run. An older one keeps the range
 * (skipped): a delete that superseded it may have been purged from the replicas since, and handing
 * it over would bring the key back.
 *
 * A former owner this coordinator's failure detector sees DOWN is not called at all: its ranges are
 * skipped until it is seen UP (liveness is each coordinator's own, see {@link ClusterTopology}).
 *
 * A range either passes for every piece and tenant and is deleted, or is skipped with the reason
 * and tried again at the next run. Just before its first delete is sent, a range is marked in the
 * store ({@link CleanupStore#beginDelete}), atomically with change starts and only if the ring is
 * still the one it was verified against; from then on no change overlapping it can start until
 * the range is recorded DELETED or KEPT. A delete that failed or timed out counts as possibly done:
 * the mark stays and the next run finishes the delete without verifying again. Outcomes are
 * recorded per range. Not thread-safe: one runner calls {@link #run()}; several coordinators may
 * run at once (claims).
 */
public final class RunCleanup {
    private final CleanupStore cleanups;
    private final ClusterStores stores;
    private final ClusterTopology topology;
    private final StorageRanges storage;
    private final Clock clock;
    private final CleanupSettings settings;
    private final CleanupEvents events;

    public RunCleanup(CleanupStore cleanups, ClusterStores stores, ClusterTopology topology, StorageRanges storage,
                      Clock clock, CleanupSettings settings, CleanupEvents events) {
        this.cleanups = Objects.requireNonNull(cleanups, "cleanups");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** What one run did, by outcome. */
    public record Report(int deleted, int skipped, int kept, long keysDeleted) {
        public int attempted() {
            return deleted + skipped + kept;
        }
    }

    /**
     * Works through every range due now, claim by claim, and records each one's outcome.
     *
     * @throws PairDbException if a store cannot be reached (ranges claimed and not recorded are
     *                         claimed again once their claim runs out)
     */
    public Report run() {
        int deleted = 0;
        int skipped = 0;
        int kept = 0;
        long keys = 0;
        // a range skipped in this run waits for the next one
        Instant runStarted = clock.now();
        while (true) {
            Instant now = clock.now();
            List<CleanupStore.Claimed> claimed = cleanups.claimDue(now.minus(settings.gracePeriod()), runStarted,
                    settings.coordinatorId(), settings.claim(), settings.rangesPerClaim());
            if (claimed.isEmpty()) {
                return new Report(deleted, skipped, kept, keys);
            }
            Context context = context();
            for (CleanupStore.Claimed c : claimed) {
                CleanupOutcome outcome = cleanUp(c, context);
                RangeCleanup range = c.cleanup();
                if (cleanups.record(range.change(), range.release().index(), settings.coordinatorId(), outcome,
                        clock.now()) == ChangeStore.Held.LOST) {
                    continue;
                }
                events.attempted(range, outcome);
                switch (outcome) {
                    case CleanupOutcome.Deleted d -> {
                        deleted++;
                        keys += d.keys();
                    }
                    case CleanupOutcome.Skipped s -> skipped++;
                    case CleanupOutcome.Kept k -> kept++;
                    case CleanupOutcome.Pending p -> throw new IllegalStateException("an attempt always ends");
                }
            }
            if (claimed.size() < settings.rangesPerClaim()) {
                return new Report(deleted, skipped, kept, keys);
            }
        }
    }

    /** The ring, the changes in flight and the tenants, read once per claim. */
    private record Context(TopologyView view, List<TopologyChange> inFlight, Map<TenantId, Tenant> tenants) {
    }

    private Context context() {
        // liveness as this coordinator's failure detector sees it: the store keeps ring membership only
        TopologyView view = topology.refresh();
        List<TopologyChange> inFlight = stores.changes().inProgress();
        Map<TenantId, Tenant> tenants = new HashMap<>();
        stores.tenants().list().forEach(t -> tenants.put(t.id(), t));
        return new Context(view, inFlight, tenants);
    }

    /** One piece of a released range, for one tenant, that the former owner no longer replicates. */
    private record Work(TokenRange piece, Tenant tenant, List<StorageNode> replicas) {
    }

    private CleanupOutcome cleanUp(CleanupStore.Claimed claimed, Context context) {
        RangeRelease release = claimed.cleanup().release();
        Instant now = clock.now();
        Optional<StorageNode> found = context.view().node(release.node());
        if (found.isEmpty() || found.get().state() == NodeState.LEFT) {
            return new CleanupOutcome.Kept("node " + release.node() + " has left the ring", now);
        }
        StorageNode former = found.get();
        for (TopologyChange other : context.inFlight()) {
            if (other.node().equals(Optional.of(former.id()))
                    || other.streams().stream().anyMatch(s -> ChangeConflicts.overlap(s.range(), release.range()))) {
                return new CleanupOutcome.Skipped("change " + other.id() + " is in flight", now);
            }
        }
        List<Work> work = new ArrayList<>();
        boolean ownedAgain = false;
        for (TokenRange piece : pieces(release.range(), context.view())) {
            for (Tenant tenant : concerned(release.tenants(), context.tenants())) {
                Optional<ReplicaSets> replicas = context.view().replicasFor(piece.end(), tenant.replicationFactor());
                if (replicas.isEmpty()) {
                    return new CleanupOutcome.Skipped("the ring has fewer nodes than tenant " + tenant.id() + "'s RF "
                            + tenant.replicationFactor(), now);
                }
                if (replicas.get().writeTargets().stream().anyMatch(n -> n.id().equals(former.id()))) {
                    ownedAgain = true;
                } else {
                    work.add(new Work(piece, tenant, replicas.get().natural()));
                }
            }
        }
        if (work.isEmpty()) {
            return ownedAgain
                    ? new CleanupOutcome.Kept("node " + former.id() + " replicates the range again", now)
                    : new CleanupOutcome.Kept("no tenant has data to clean up in the range", now);
        }
        if (former.liveness() == Liveness.DOWN) {
            return new CleanupOutcome.Skipped("node " + former.id() + " is down", now);
        }
        RangeCleanup range = claimed.cleanup();
        // a delete sent before may have run: the range was verified then, and no change overlapping it has
        // started since (the mark refuses them), so it is finished without verifying again
        boolean finishing = range.deleteBegun().isPresent();
        try {
            if (claimed.forced().isEmpty() && !finishing) {
                for (Work w : work) {
                    Optional<String> failed = verify(former, w);
                    if (failed.isPresent()) {
                        return new CleanupOutcome.Skipped(failed.get(), clock.now());
                    }
                }
            }
        } catch (PairDbException e) {
            return new CleanupOutcome.Skipped(e.getMessage(), clock.now());
        }
        switch (cleanups.beginDelete(range.change(), release.index(), settings.coordinatorId(), context.view().epoch())) {
            case RING_MOVED -> {
                return new CleanupOutcome.Skipped("the ring changed while the range was verified", clock.now());
            }
            case LOST -> {
                return new CleanupOutcome.Skipped("the claim on the range ran out before its delete began", clock.now());
            }
            case BEGUN -> {
                // changes overlapping the range are refused from here until a final outcome is recorded
            }
        }
        long deleted = 0;
        for (Work w : work) {
            try {
                deleted += await(storage.deleteRange(former, w.piece(), w.tenant().id(), settings.storageTimeout()));
            } catch (PairDbException e) {
                return new CleanupOutcome.Skipped(e.getMessage() + "; the delete may still run on node " + former.id()
                        + ", so changes overlapping the range wait until a later run has deleted it", clock.now());
            }
        }
        return new CleanupOutcome.Deleted(deleted, clock.now());
    }

    /** Why the piece's copy on the former owner must stay for the tenant, or empty when it may go. */
    private Optional<String> verify(StorageNode former, Work w) {
        StorageRanges.Digest held = await(storage.digest(former, w.piece(), w.tenant().id(), settings.storageTimeout()));
        if (held.keys() == 0) {
            return Optional.empty();
        }
        int rf = w.tenant().replicationFactor();
        int quorum = rf / 2 + 1;
        Map<String, List<StorageNode>> byDigest = new HashMap<>();
        List<String> unanswered = new ArrayList<>();
        for (StorageNode replica : w.replicas()) {
            if (replica.liveness() == Liveness.DOWN) {
                unanswered.add(replica.id().value() + " (down)");
                continue;
            }
            try {
                StorageRanges.Digest d = await(storage.digest(replica, w.piece(), w.tenant().id(),
                        settings.storageTimeout()));
                byDigest.computeIfAbsent(d.sha256(), k -> new ArrayList<>()).add(replica);
            } catch (PairDbException e) {
                unanswered.add(replica.id().value());
            }
        }
        List<StorageNode> agreeing = byDigest.values().stream().max(Comparator.comparingInt(List::size))
                .orElse(List.of());
        String where = "range " + w.piece() + " of tenant " + w.tenant().id();
        if (agreeing.size() < quorum) {
            return Optional.of("only " + agreeing.size() + " of " + w.replicas().size() + " replicas of " + where
                    + " agree on its digest, " + quorum + " needed"
                    + (unanswered.isEmpty() ? "" : " (no answer from " + String.join(", ", unanswered) + ")"));
        }
        StorageNode replica = agreeing.getFirst();
        Uncovered uncovered = uncovered(former, replica, w);
        if (uncovered.first().isEmpty()) {
            return Optional.empty();
        }
        String missing = "replica " + replica.id() + " of " + where + " " + uncovered.first().get() + " that node "
                + former.id() + " holds";
        if (uncovered.handOver().isEmpty()) {
            return Optional.of(missing + uncovered.tooOld().map(key -> "; key '" + key + "' was written before the "
                    + "handover window (" + settings.handoverWindow() + "), so it is not handed over").orElse(""));
        }
        for (StorageNode target : w.replicas()) {
            if (target.liveness() != Liveness.DOWN) {
                for (List<StorageRanges.Entry> batch : StorageRanges.batches(uncovered.handOver(), settings.scanBatch(),
                        StorageRanges.DEFAULT_BATCH_BYTES)) {
                    await(storage.writeBatch(target, batch, settings.storageTimeout()));
                }
            }
        }
        return Optional.of(missing + "; handed " + uncovered.handOver().size() + " such entries over to the replicas"
                + " of the range, which is verified again at the next run");
    }

    /**
     * What the replica does not cover of the former owner's copy: the first such entry (described),
     * those written within the handover window (at most a scan batch), and the first older one.
     */
    private record Uncovered(Optional<String> first, List<StorageRanges.Entry> handOver, Optional<String> tooOld) {
    }

    /**
     * Walks the former owner's copy and the replica's side by side (both in scan order) and
     * collects the entries the replica does not hold with an equal or later clock.
     */
    private Uncovered uncovered(StorageNode former, StorageNode replica, Work w) {
        Comparator<StorageRanges.Entry> order = scanOrder(w.piece());
        long handOverSince = clock.now().minus(settings.handoverWindow()).toEpochMilli();
        Optional<String> first = Optional.empty();
        Optional<String> tooOld = Optional.empty();
        List<StorageRanges.Entry> handOver = new ArrayList<>();
        try (Cursor old = new Cursor(storage.scan(former, w.piece(), Optional.of(w.tenant().id()), Optional.empty(),
                settings.scanBatch()));
             Cursor current = new Cursor(storage.scan(replica, w.piece(), Optional.of(w.tenant().id()), Optional.empty(),
                     settings.scanBatch()))) {
            for (StorageRanges.Entry mine = old.next(); mine != null && handOver.size() < settings.scanBatch();
                 mine = old.next()) {
                StorageRanges.Entry theirs = current.peek();
                while (theirs != null && order.compare(theirs, mine) < 0) {
                    current.next();
                    theirs = current.peek();
                }
                String gap;
                if (theirs == null || order.compare(theirs, mine) != 0) {
                    gap = "lacks key '" + mine.key() + "'";
                } else if (!theirs.version().clock().covers(mine.version().clock())) {
                    gap = "holds an older or concurrent version of key '" + mine.key() + "' ("
                            + theirs.version().clock() + " against " + mine.version().clock() + ")";
                } else {
                    continue;
                }
                if (first.isEmpty()) {
                    first = Optional.of(gap);
                }
                if (mine.version().timestampMs() > handOverSince) {
                    handOver.add(mine);
                } else if (tooOld.isEmpty()) {
                    tooOld = Optional.of(mine.key());
                }
            }
        }
        return new Uncovered(first, handOver, tooOld);
    }

    /** Scan order inside a range, which may wrap: by distance from its start, then tenant, then key. */
    private static Comparator<StorageRanges.Entry> scanOrder(TokenRange range) {
        long start = range.start().value();
        Comparator<StorageRanges.Entry> byToken = (a, b) -> Long.compareUnsigned(a.token().value() - start,
                b.token().value() - start);
        return byToken.thenComparing(e -> e.tenant().value()).thenComparing(StorageRanges.Entry::key);
    }

    /** A scan read one entry at a time. */
    private final class Cursor implements AutoCloseable {
        private final StorageRanges.Scan scan;
        private List<StorageRanges.Entry> batch = List.of();
        private int at;
        private boolean exhausted;

        Cursor(StorageRanges.Scan scan) {
            this.scan = scan;
        }

        StorageRanges.Entry peek() {
            while (!exhausted && at >= batch.size()) {
                Optional<List<StorageRanges.Entry>> next = scan.next(settings.storageTimeout());
                if (next.isEmpty()) {
                    exhausted = true;
                } else {
                    batch = next.get();
                    at = 0;
                }
            }
            return exhausted ? null : batch.get(at);
        }

        StorageRanges.Entry next() {
            StorageRanges.Entry e = peek();
            if (e != null) {
                at++;
            }
            return e;
        }

        @Override
        public void close() {
            scan.close();
        }
    }

    /** The tenants whose data the release concerns, as they are now. */
    private static List<Tenant> concerned(TenantFilter filter, Map<TenantId, Tenant> tenants) {
        return switch (filter) {
            case TenantFilter.AllTenants all -> tenants.values().stream()
                    .sorted(Comparator.comparing(t -> t.id().value())).toList();
            case TenantFilter.Only only -> only.tenants().stream().map(tenants::get).filter(Objects::nonNull).toList();
        };
    }

    /**
     * The range cut at every vnode position of the current and future rings inside it: within a
     * piece every key has the same replicas, whatever the ring became since the change.
     */
    static List<TokenRange> pieces(TokenRange range, TopologyView view) {
        long start = range.start().value();
        TreeSet<Long> cuts = new TreeSet<>(Long::compareUnsigned);
        List<Token> positions = new ArrayList<>();
        view.currentRing().ranges().forEach(r -> positions.add(r.range().end()));
        view.futureRing().ranges().forEach(r -> positions.add(r.range().end()));
        for (Token p : positions) {
            if (range.contains(p) && !p.equals(range.end())) {
                cuts.add(p.value() - start);
            }
        }
        List<TokenRange> pieces = new ArrayList<>(cuts.size() + 1);
        Token from = range.start();
        for (long offset : cuts) {
            Token to = new Token(start + offset);
            pieces.add(new TokenRange(from, to));
            from = to;
        }
        pieces.add(new TokenRange(from, range.end()));
        return pieces;
    }

    private <T> T await(CompletableFuture<T> future) {
        Duration bound = settings.storageTimeout().plusSeconds(1);
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PairDbException p) {
                throw p;
            }
            throw new PairDbException("storage", "storage call failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PairDbException("storage", "storage call gave no answer within " + bound, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairDbException("storage", "interrupted while cleaning up", e);
        }
    }
}
