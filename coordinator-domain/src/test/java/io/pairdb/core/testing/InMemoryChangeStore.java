package io.pairdb.core.testing;

import io.pairdb.core.Invariants;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.Lease;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.ReplicationChange;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Changes in memory beside an {@link InMemoryTopologyStore}: every method holds that store's
 * monitor, so a change starts and ends atomically with its node's state and the epoch bump, as
 * in one PostgreSQL transaction. Leases run on the given clock.
 */
public final class InMemoryChangeStore implements ChangeStore {
    private static final Comparator<TopologyChange> OLDEST_FIRST =
            Comparator.comparing(TopologyChange::startedAt).thenComparing(c -> c.id().value());

    private final InMemoryTopologyStore nodes;
    private final InMemoryTenantStore tenants;
    private final Clock clock;
    private final Map<ChangeId, TopologyChange> changes = new LinkedHashMap<>();
    private final Map<ChangeId, List<RangeRelease>> releases = new LinkedHashMap<>();
    private volatile RuntimeException checkpointFailure;
    private volatile RuntimeException renewFailure;
    private volatile RuntimeException completionFailure;
    private final List<Function<TopologyChange, Optional<Start>>> startGuards = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Consumer<TopologyChange>> endWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public InMemoryChangeStore(InMemoryTopologyStore nodes, InMemoryTenantStore tenants, Clock clock) {
        this.nodes = nodes;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** With tenants of its own: for tests of node changes only. */
    public InMemoryChangeStore(InMemoryTopologyStore nodes, Clock clock) {
        this(nodes, new InMemoryTenantStore(), clock);
    }

    /**
     * Consulted by every start, under this store's lock: a cleanup store (see beginDelete) or a
     * repair store (see begin) refuses changes meanwhile with what the guard answers.
     */
    void guardStarts(Function<TopologyChange, Optional<Start>> guard) {
        startGuards.add(guard);
    }

    private Optional<Start> refusal(TopologyChange change) {
        return startGuards.stream().map(g -> g.apply(change)).flatMap(Optional::stream).findFirst();
    }

    /** Runs {@code work} atomically with every start and end of a change, as one PostgreSQL transaction would. */
    <T> T locked(Supplier<T> work) {
        synchronized (nodes) {
            return work.get();
        }
    }

    long ringEpoch() {
        return nodes.epoch();
    }

    /**
     * Tells {@code watcher} of every change {@link #finish} ends, in the same step as its node's state
     * and the epoch: whether or not the answer then reaches the coordinator that ended it. (A change
     * stored already ended, done at once, is not reported.)
     */
    public void whenEnded(Consumer<TopologyChange> watcher) {
        endWatchers.add(watcher);
    }

    /** From now on every renewal throws this (null: renewals work again). */
    public void failRenewals(RuntimeException failure) {
        renewFailure = failure;
    }

    /** From now on every checkpoint throws this (null: checkpoints work again). */
    public void failCheckpoints(RuntimeException failure) {
        checkpointFailure = failure;
    }

    /** From now on every finish as COMPLETED throws this (null: such finishes work again). */
    public void failCompletions(RuntimeException failure) {
        completionFailure = failure;
    }

    /** The ranges the change releases, as stored with it (for {@link InMemoryCleanupStore}). */
    public List<RangeRelease> releases(ChangeId id) {
        synchronized (nodes) {
            return releases.getOrDefault(id, List.of());
        }
    }

    @Override
    public Start start(TopologyChange change, List<RangeRelease> changeReleases, StorageNode node, long expectedEpoch,
                       String owner, Duration lease) {
        synchronized (nodes) {
            if (nodes.epoch() != expectedEpoch) {
                return new Start.EpochMoved(nodes.epoch());
            }
            Optional<Start> refused = refusal(change);
            if (refused.isPresent()) {
                return refused.get();
            }
            Invariants.argument(change.ringEpoch() == expectedEpoch + 1, "the change must carry the epoch it introduces");
            Invariants.argument(change.node().equals(Optional.of(node.id())), "the change and the node disagree");
            Invariants.check(!changes.containsKey(change.id()), "change " + change.id() + " exists");
            Invariants.check(changes.values().stream().noneMatch(c -> c.inProgress()
                    && c.node().equals(Optional.of(node.id()))), "node " + node.id() + " has a change in progress");
            if (nodes.find(node.id()).isPresent()) {
                nodes.update(node);
            } else {
                nodes.insert(node);
            }
            Invariants.check(nodes.epoch() == expectedEpoch + 1, "a start moves the ring by exactly one epoch");
            TopologyChange stored = change.inProgress()
                    ? change.withLease(Optional.of(new Lease(owner, clock.now().plus(lease))))
                    : change.withLease(Optional.empty());
            changes.put(stored.id(), stored);
            releases.put(stored.id(), List.copyOf(changeReleases));
            return new Start.Started(stored, nodes.epoch());
        }
    }

    @Override
    public Start startReplication(TopologyChange change, List<RangeRelease> changeReleases, Tenant tenant,
                                  long expectedTenantVersion, long expectedEpoch, String owner, Duration lease) {
        synchronized (nodes) {
            Invariants.argument(change.ringEpoch() == expectedEpoch + 1, "the change must carry the epoch it introduces");
            Invariants.argument(change.replication().map(r -> r.tenant().equals(tenant.id())).orElse(false),
                    "the change and the tenant disagree");
            Optional<Tenant> current = tenants.find(tenant.id());
            if (nodes.epoch() != expectedEpoch || current.isEmpty() || current.get().version() != expectedTenantVersion) {
                return new Start.EpochMoved(nodes.epoch());
            }
            Invariants.check(!changes.containsKey(change.id()), "change " + change.id() + " exists");
            Optional<Start> refused = refusal(change);
            if (refused.isPresent()) {
                return refused.get();
            }
            Invariants.check(changes.values().stream().noneMatch(c -> c.inProgress() && c.replication()
                    .map(r -> r.tenant().equals(tenant.id())).orElse(false)), "tenant " + tenant.id()
                    + " has a replication factor change in progress");
            tenants.update(tenant, expectedTenantVersion);
            nodes.bumpEpoch();
            TopologyChange stored = change.inProgress()
                    ? change.withLease(Optional.of(new Lease(owner, clock.now().plus(lease))))
                    : change.withLease(Optional.empty());
            changes.put(stored.id(), stored);
            releases.put(stored.id(), List.copyOf(changeReleases));
            return new Start.Started(stored, nodes.epoch());
        }
    }

    @Override
    public Optional<TopologyChange> find(ChangeId id) {
        synchronized (nodes) {
            return Optional.ofNullable(changes.get(id));
        }
    }

    @Override
    public List<TopologyChange> list(int limit) {
        synchronized (nodes) {
            return changes.values().stream().sorted(OLDEST_FIRST.reversed()).limit(limit).toList();
        }
    }

    @Override
    public List<TopologyChange> inProgress() {
        synchronized (nodes) {
            return changes.values().stream().filter(TopologyChange::inProgress).sorted(OLDEST_FIRST).toList();
        }
    }

    @Override
    public Optional<TopologyChange> claimAbandoned(String owner, Duration lease) {
        synchronized (nodes) {
            Instant now = clock.now();
            Optional<TopologyChange> abandoned = changes.values().stream()
                    .filter(TopologyChange::inProgress)
                    .filter(c -> c.lease().map(l -> !l.expiresAt().isAfter(now)).orElse(true))
                    .min(OLDEST_FIRST);
            abandoned.ifPresent(c -> changes.put(c.id(), c.withLease(Optional.of(new Lease(owner, now.plus(lease))))));
            return abandoned.map(c -> changes.get(c.id()));
        }
    }

    @Override
    public Held checkpoint(ChangeId id, String owner, List<RangeStream> streams, Instant at, Duration lease) {
        return extendLease(checkpointFailure, id, owner, lease, c -> c.withStreams(streams, at));
    }

    @Override
    public Held renew(ChangeId id, String owner, Duration lease) {
        return extendLease(renewFailure, id, owner, lease, c -> c);
    }

    /** If {@code owner} holds the change: updates it and extends the lease, unless a failure is injected. */
    private Held extendLease(RuntimeException injected, ChangeId id, String owner, Duration lease,
                             Function<TopologyChange, TopologyChange> update) {
        if (injected != null) {
            throw injected;
        }
        synchronized (nodes) {
            TopologyChange c = changes.get(id);
            if (!heldBy(c, owner)) {
                return Held.LOST;
            }
            changes.put(id, update.apply(c).withLease(Optional.of(new Lease(owner, clock.now().plus(lease)))));
            return Held.HELD;
        }
    }

    @Override
    public HandOver handOver(ChangeId id, String owner, NodeState nodeState, Instant at) {
        synchronized (nodes) {
            TopologyChange c = changes.get(id);
            if (!heldBy(c, owner)) {
                return new HandOver.LeaseLost();
            }
            Invariants.argument(c.node().isPresent(), "only a node change hands over");
            StorageNode node = nodes.find(c.node().get()).orElseThrow();
            if (node.state() != nodeState) {
                long before = nodes.epoch();
                nodes.update(node.withState(nodeState, at));
                Invariants.check(nodes.epoch() == before + 1, "handing over moves the ring by exactly one epoch");
            }
            return new HandOver.HandedOver(nodes.epoch());
        }
    }

    @Override
    public Finish finish(ChangeId id, String owner, Optional<NodeState> nodeState, ChangeStatus status,
                         Optional<String> error, List<RangeStream> streams, Instant at) {
        RuntimeException failing = completionFailure;
        if (failing != null && status == ChangeStatus.COMPLETED) {
            throw failing;
        }
        synchronized (nodes) {
            TopologyChange c = changes.get(id);
            if (!heldBy(c, owner)) {
                return new Finish.LeaseLost();
            }
            Invariants.argument(c.node().isPresent() == nodeState.isPresent(),
                    "a node change ends with its node's state, an RF change without one");
            long before = nodes.epoch();
            if (c.node().isPresent()) {
                StorageNode node = nodes.find(c.node().get()).orElseThrow();
                nodes.update(node.withState(nodeState.get(), at));
            } else {
                ReplicationChange r = c.replication().orElseThrow();
                Tenant tenant = tenants.find(r.tenant()).orElseThrow();
                int rf = status == ChangeStatus.COMPLETED ? r.to() : tenant.replicationFactor();
                tenants.update(tenant.withReplicationFactor(rf, at), tenant.version());
                nodes.bumpEpoch();
            }
            Invariants.check(nodes.epoch() == before + 1, "ending a change moves the ring by exactly one epoch");
            TopologyChange ended = c.ended(status, error, streams, at);
            changes.put(id, ended);
            endWatchers.forEach(w -> w.accept(ended));
            return new Finish.Finished(ended, nodes.epoch());
        }
    }

    private static boolean heldBy(TopologyChange c, String owner) {
        return c != null && c.inProgress() && c.lease().map(l -> l.owner().equals(owner)).orElse(false);
    }
}
