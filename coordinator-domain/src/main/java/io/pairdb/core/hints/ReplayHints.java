package io.pairdb.core.hints;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.hints.ReplayReport.Ending;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.WritesRefusedException;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Delivers a node's hints (DESIGN.md §6): claims a batch, oldest first, writes each hint to the
 * node through the storage contract's conditional write, deletes what was delivered, pauses,
 * and goes on until no unclaimed hint is left. Conditional apply on the node is what makes this
 * safe: a hint older than what the node holds is ignored there, so replay never regresses a
 * value, and a hint delivered twice (a claim that expired mid-delivery) changes nothing.
 *
 * <p>A hint whose node has left the ring or no longer replicates the hint's key is not delivered
 * there (its copy of the range is cleaned up, and a late old version there could bring back a key
 * deleted since): it is handed to the key's current replicas instead, through the same
 * conditional write, because it may be the last copy of an acknowledged write (the range moved
 * from the node that missed the write, or the replica that took it lost its disk). A failed
 * delivery counts an attempt and ends the run (the node is likely gone again; the next UP
 * transition or periodic run retries), except a node's refusal of writes for lack of room, which
 * counts none: the hint is released and waits for a run after the operator made room;
 * a hint that reaches the attempt limit, outlives the TTL or
 * whose tenant is gone is dropped and counted. One run per node at a time
 * on this coordinator; other coordinators' runs are kept off the same hints by the store's claims.
 * Thread-safe. Blocking store calls run on the {@link io.pairdb.core.port.Scheduler}.
 */
public final class ReplayHints {
    private final HintStore hints;
    private final StorageNodes nodes;
    private final ClusterTopology topology;
    private final TenantService tenants;
    private final HintTally tally;
    private final Environment env;
    private final HintSettings settings;
    private final Map<NodeId, Run> running = new ConcurrentHashMap<>();

    public ReplayHints(HintStore hints, StorageNodes nodes, ClusterTopology topology, TenantService tenants,
                       HintTally tally, Environment env, HintSettings settings) {
        this.hints = Objects.requireNonNull(hints, "hints");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.tally = Objects.requireNonNull(tally, "tally");
        this.env = Objects.requireNonNull(env, "env");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** What an operator's request to replay a node's hints now came to. */
    public sealed interface Request {
        /** A run for the node started, or the one under way is joined; {@code report} completes when it ends. */
        record Started(CompletableFuture<ReplayReport> report) implements Request {
        }

        record NodeNotFound(NodeId node) implements Request {
        }

        /** The node is marked DOWN: its hints are replayed as soon as it is seen UP again, not before. */
        record NodeDown(NodeId node) implements Request {
        }
    }

    /**
     * An operator's request to replay the node's hints now (the admin API): refused for a node not
     * in the ring, as this coordinator finds it in the store, and for one marked DOWN; otherwise
     * {@link #replay}.
     */
    public Request request(NodeId target) {
        Objects.requireNonNull(target, "target");
        var node = topology.refresh().node(target);
        if (node.isEmpty()) {
            return new Request.NodeNotFound(target);
        }
        if (node.get().liveness() == Liveness.DOWN) {
            return new Request.NodeDown(target);
        }
        return new Request.Started(replay(target));
    }

    /**
     * Replays the node's hints now. If a run for the node is already under way on this
     * coordinator, answers with that run's report instead of starting a second one.
     */
    public CompletableFuture<ReplayReport> replay(NodeId target) {
        Objects.requireNonNull(target, "target");
        Run[] started = new Run[1];
        Run run = running.computeIfAbsent(target, t -> started[0] = new Run(t));
        if (run == started[0]) {
            try {
                env.scheduler().execute(run::step);
            } catch (RuntimeException e) {
                // the scheduler no longer takes work (shutting down): no run, and none left registered
                run.fail(e);
            }
        }
        return run.result;
    }

    /**
     * The safety net: replays every node that has hints waiting and can take them (UP and
     * {@code healthy}, or gone from the ring so its hints go to their keys' current replicas). Catches what no UP
     * transition announced: hints stored after a run ended, a node whose failures never reached
     * the DOWN threshold, runs that stopped on a failed delivery, another coordinator's hints.
     *
     * @param healthy whether a node looks reachable right now (its last probe succeeded); a node
     *     that is failing but not yet DOWN is left alone, so its hints do not spend attempts on it
     * @throws PairDbException if the hint store cannot be reached
     */
    public CompletableFuture<List<ReplayReport>> replayPending(Predicate<NodeId> healthy) {
        TopologyView view = topology.current();
        List<CompletableFuture<ReplayReport>> runs = new ArrayList<>();
        for (PendingHints pending : hints.stats()) {
            view.node(pending.target())
                    .filter(n -> n.state() == NodeState.LEFT || n.liveness() == Liveness.UP && healthy.test(n.id()))
                    .ifPresent(n -> runs.add(replay(n.id())));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> runs.stream().map(CompletableFuture::join).toList());
    }

    /** Nodes with a run under way on this coordinator. */
    public List<NodeId> replaying() {
        return List.copyOf(running.keySet());
    }

    /**
     * How a batch's deliveries went: acknowledged by the node; failed (an attempt); refused by a node
     * that answers but takes no writes for now, a full disk (no attempt: its claim is released, and a
     * later run delivers it once the operator made room, however long that takes within the TTL); or
     * waiting, as no replica can take it now (no attempt: left claimed, see {@link Ending#NO_REPLICA}).
     */
    private record Deliveries(List<Hint> delivered, List<Hint> failed, List<Hint> refused, List<Hint> waiting) {
        static final Deliveries NONE = new Deliveries(List.of(), List.of(), List.of(), List.of());

        static Deliveries of(Hint hint, Throwable error) {
            return of(hint, error == null ? List.of() : List.of(error));
        }

        /** A hint written to several replicas: refused only when every failure was a refusal. */
        static Deliveries of(Hint hint, List<Throwable> errors) {
            if (errors.isEmpty()) {
                return new Deliveries(List.of(hint), List.of(), List.of(), List.of());
            }
            return errors.stream().allMatch(e -> Futures.cause(e) instanceof WritesRefusedException)
                    ? new Deliveries(List.of(), List.of(), List.of(hint), List.of())
                    : new Deliveries(List.of(), List.of(hint), List.of(), List.of());
        }

        Deliveries and(Deliveries other) {
            return new Deliveries(joined(delivered, other.delivered), joined(failed, other.failed),
                    joined(refused, other.refused), joined(waiting, other.waiting));
        }

        private static List<Hint> joined(List<Hint> a, List<Hint> b) {
            List<Hint> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }
    }

    /** A batch sorted by where its hints go: to the node, or to their keys' current replicas. */
    private record Sorted(List<Hint> forTheNode, List<HandOver> elsewhere) {
    }

    /**
     * A hint for the key's current replicas (not DOWN, not the hint's node; none if the ring cannot
     * tell), or, while the key's replicas move ({@code moving}), for the hint's node and the other
     * write targets, {@code missing} some that are DOWN now.
     */
    private record HandOver(Hint hint, List<StorageNode> replicas, boolean moving, boolean missing) {
        HandOver(Hint hint, List<StorageNode> replicas) {
            this(hint, replicas, false, false);
        }
    }

    /** One run for one node. Its steps run one after another, each scheduled by the one before. */
    private final class Run {
        private final NodeId target;
        private final CompletableFuture<ReplayReport> result = new CompletableFuture<>();
        private final EnumMap<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        private long delivered;
        private long failed;
        /** Hints left claimed because no replica could take them ({@link Ending#NO_REPLICA}). */
        private final Set<Long> waiting = new HashSet<>();

        Run(NodeId target) {
            this.target = target;
        }

        /** Claims and delivers one batch. */
        synchronized void step() {
            try {
                StorageNode node = topology.current().node(target).orElse(null);
                if (node == null) {
                    finish(Ending.NODE_UNKNOWN);
                    return;
                }
                boolean left = node.state() == NodeState.LEFT;
                if (!left && node.liveness() == Liveness.DOWN) {
                    finish(Ending.NODE_DOWN);
                    return;
                }
                List<Hint> batch = hints.claim(target, settings.batchSize(), settings.replayerId(), settings.claimLease());
                if (batch.isEmpty()) {
                    finish(Ending.DRAINED);
                    return;
                }
                // a waiting hint's claim ran out while the run went through the others: it has gone round them all
                boolean cameRound = batch.stream().anyMatch(h -> waiting.contains(h.id()));
                TopologyView view = topology.current();
                Sorted sorted = sort(batch, view, left);
                deliver(node, sorted.forTheNode()).thenCombine(handOver(sorted.elsewhere()), Deliveries::and)
                        .whenComplete((deliveries, error) -> env.scheduler().execute(() -> {
                    if (error != null) {
                        fail(error);
                    } else {
                        delivered(batch.size(), deliveries, cameRound);
                    }
                }));
            } catch (PairDbException e) {
                finish(Ending.STORE_UNAVAILABLE);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        /**
         * Drops the expired hints, those already at the attempt limit and those whose tenant is gone;
         * sorts the rest into those for the node and those whose key it no longer replicates (by the
         * ring served now and the tenant's RF), all of them when it has left the ring. While the key's
         * replicas change (see {@link #moving}) a hint goes to the node and every other write target.
         * A ring too small to tell keeps a hint for the node.
         */
        private Sorted sort(List<Hint> batch, TopologyView view, boolean left) {
            Instant cutoff = env.clock().now().minus(settings.ttl());
            List<Hint> expired = new ArrayList<>();
            List<Hint> exhausted = new ArrayList<>();
            List<Hint> orphaned = new ArrayList<>();
            List<Hint> forTheNode = new ArrayList<>();
            List<HandOver> elsewhere = new ArrayList<>();
            for (Hint h : batch) {
                if (h.createdAt().isBefore(cutoff)) {
                    expired.add(h);
                    continue;
                }
                if (h.attempts() >= settings.maxAttempts()) {
                    exhausted.add(h);
                    continue;
                }
                Optional<Tenant> tenant = tenants.find(h.tenant());
                if (tenant.isEmpty()) {
                    orphaned.add(h);
                    continue;
                }
                Optional<ReplicaSets> sets = view.replicasFor(h.token(), tenant.get().replicationFactor(),
                        tenant.get().writeReplicationFactor());
                boolean replicates = sets.map(r -> r.writeTargets().stream().anyMatch(n -> n.id().equals(target)))
                        .orElse(true);
                if (left || !replicates) {
                    elsewhere.add(new HandOver(h, sets.map(r -> r.writeTargets().stream()
                            .filter(n -> !n.id().equals(target) && n.liveness() != Liveness.DOWN)
                            .toList()).orElse(List.of())));
                } else if (sets.isPresent() && moving(sets.get(), view)) {
                    // the key's replicas are changing: a leaving node may already have streamed the range to the
                    // replica taking it over, and a joining one may be rolled back; the hint goes to the node and
                    // to every other write target, and is done once all of them have it
                    List<StorageNode> all = sets.get().writeTargets();
                    List<StorageNode> up = all.stream()
                            .filter(n -> n.id().equals(target) || n.liveness() != Liveness.DOWN).toList();
                    elsewhere.add(new HandOver(h, up, true, up.size() < all.size()));
                } else {
                    forTheNode.add(h);
                }
            }
            drop(expired, DropReason.EXPIRED);
            drop(exhausted, DropReason.MAX_ATTEMPTS);
            drop(orphaned, DropReason.NOT_A_REPLICA);
            return new Sorted(forTheNode, elsewhere);
        }

        /**
         * How a hint for a node whose key's replicas move went: as for the node alone when its own
         * write failed (an attempt, or refused); waiting (no attempt, kept) when it took the hint but
         * another write target did not or is DOWN, so no node's trouble spends the node's attempts;
         * delivered once every write target has it.
         */
        private Deliveries whileMoving(HandOver h, List<Optional<Throwable>> results) {
            for (int i = 0; i < results.size(); i++) {
                if (h.replicas().get(i).id().equals(target) && results.get(i).isPresent()) {
                    return Deliveries.of(h.hint(), results.get(i).get());
                }
            }
            boolean allHaveIt = !h.missing() && results.stream().allMatch(Optional::isEmpty);
            return allHaveIt ? Deliveries.of(h.hint(), List.of())
                    : new Deliveries(List.of(), List.of(), List.of(), List.of(h.hint()));
        }

        /** Whether the key has pending replicas or the hint's node is not NORMAL (joining, leaving, handing over). */
        private boolean moving(ReplicaSets sets, TopologyView view) {
            return !sets.pending().isEmpty()
                    || view.node(target).map(n -> n.state() != NodeState.NORMAL).orElse(true);
        }

        /**
         * Writes each hint to every current replica of its key that is not DOWN; a hint is delivered
         * when all of them acknowledged it, failed (an attempt) when one did not, and left to a later
         * run (no attempt) when none can take it.
         */
        private CompletableFuture<Deliveries> handOver(List<HandOver> batch) {
            List<CompletableFuture<Deliveries>> each = new ArrayList<>(batch.size());
            for (HandOver h : batch) {
                List<CompletableFuture<Optional<Throwable>>> writes = h.replicas().stream()
                        .map(n -> write(n, h.hint()).handle((applied, error) -> Optional.ofNullable(error))).toList();
                if (h.moving()) {
                    each.add(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                            .thenApply(ignored -> whileMoving(h, writes.stream().map(CompletableFuture::join).toList())));
                    continue;
                }
                // no replica can take it now (a forced removal left fewer nodes than the RF, or the others are DOWN):
                // it may be the last copy, so it waits, spending no attempt, for one that can (or its TTL); it stays
                // claimed until its lease runs out, so the run goes on with the hints behind it
                each.add(h.replicas().isEmpty()
                        ? CompletableFuture.completedFuture(new Deliveries(List.of(), List.of(), List.of(),
                                List.of(h.hint())))
                        : CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                                Deliveries.of(h.hint(), writes.stream().map(CompletableFuture::join)
                                        .flatMap(Optional::stream).toList())));
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                    .thenApply(ignored -> each.stream().map(CompletableFuture::join)
                            .reduce(Deliveries.NONE, Deliveries::and));
        }

        private CompletableFuture<StorageNodes.Applied> write(StorageNode node, Hint h) {
            return Timeouts.bound(env.scheduler(),
                    Futures.started(() -> nodes.write(node, h.tenant(), h.key(), h.token(), h.version(),
                            settings.deliveryTimeout())),
                    settings.deliveryTimeout(),
                    () -> new PairDbException("node " + node.id(), "hint " + h.id() + " was not acknowledged by node "
                            + node.id() + " within " + settings.deliveryTimeout()));
        }

        private CompletableFuture<Deliveries> deliver(StorageNode node, List<Hint> batch) {
            List<CompletableFuture<Deliveries>> writes = new ArrayList<>(batch.size());
            for (Hint h : batch) {
                writes.add(write(node, h).handle((applied, error) -> Deliveries.of(h, error)));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenApply(ignored -> writes.stream().map(CompletableFuture::join).reduce(Deliveries.NONE, Deliveries::and));
        }

        private synchronized void delivered(int claimed, Deliveries deliveries, boolean cameRound) {
            try {
                List<Long> done = deliveries.delivered().stream().map(Hint::id).toList();
                List<Long> notDone = deliveries.failed().stream().map(Hint::id).toList();
                int refused = deliveries.refused().size();
                deliveries.waiting().forEach(h -> waiting.add(h.id()));
                delivered += done.size();
                tally.replayed(target, done.size());
                if (!done.isEmpty()) {
                    hints.delete(done);
                }
                if (!notDone.isEmpty() || refused > 0) {
                    failed += notDone.size() + refused;
                    tally.replayFailed(target, notDone.size() + refused);
                    if (!notDone.isEmpty()) {
                        List<Hint> exhausted = hints.recordFailure(notDone, settings.replayerId()).stream()
                                .filter(h -> h.attempts() >= settings.maxAttempts())
                                .toList();
                        drop(exhausted, DropReason.MAX_ATTEMPTS);
                    }
                    if (refused > 0) {
                        // after the attempts: a store failing here leaves only these to their claims' expiry
                        hints.release(deliveries.refused().stream().map(Hint::id).toList(), settings.replayerId());
                    }
                    finish(Ending.DELIVERY_FAILED);
                    return;
                }
                if (cameRound) {
                    finish(Ending.DRAINED);
                    return;
                }
                next(claimed);
            } catch (PairDbException e) {
                finish(Ending.STORE_UNAVAILABLE);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        /** After a batch: a short batch means nothing unclaimed is left; a full one is followed by another. */
        private void next(int claimed) {
            if (claimed < settings.batchSize()) {
                finish(Ending.DRAINED);
            } else {
                env.scheduler().schedule(settings.batchPause(), this::step);
            }
        }

        private void drop(List<Hint> batch, DropReason reason) {
            if (batch.isEmpty()) {
                return;
            }
            hints.delete(batch.stream().map(Hint::id).toList());
            dropped.merge(reason, (long) batch.size(), Long::sum);
            tally.dropped(target, reason, batch.size());
        }

        private void finish(Ending reached) {
            Ending ending = reached == Ending.DRAINED && !waiting.isEmpty() ? Ending.NO_REPLICA : reached;
            OptionalLong remaining;
            try {
                remaining = OptionalLong.of(hints.count(target));
            } catch (PairDbException e) {
                remaining = OptionalLong.empty();
            }
            running.remove(target, this);
            ReplayReport report = new ReplayReport(target, ending, delivered, failed, dropped, remaining);
            result.complete(report);
            tally.ended(report);
        }

        private void fail(Throwable error) {
            running.remove(target, this);
            result.completeExceptionally(error);
        }
    }
}
