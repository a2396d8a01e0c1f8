package io.pairdb.core.topology;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.ring.TopologyView;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * This coordinator's view of the ring, rebuilt from the {@link TopologyStore} whenever the
 * epoch there moves, and node registration. Liveness is this coordinator's own: what its
 * failure detector observed ({@link #markLiveness}) overrides the stored value, and survives
 * reloads. With a confirmation bound, the view also knows whether it may be served: a coordinator
 * that could not confirm it recently (cut off from the store) must stop routing by it, see
 * {@link #freshness()}. Thread-safe: readers get the view swapped in atomically; changes are serialised.
 */
public final class ClusterTopology {
    /** Outcome of registering a node. */
    public sealed interface Registration {
        record Registered(StorageNode node, long epoch) implements Registration {
        }

        record AlreadyRegistered(NodeId id) implements Registration {
        }

        record AddressInUse(NodeId byNode, String address) implements Registration {
        }
    }

    /** Whether this coordinator may route requests by its view (see {@link #freshness()}). */
    public sealed interface Freshness {
        /** The view was confirmed current within the bound (or no bound applies). */
        record Confirmed() implements Freshness {
        }

        /**
         * The view was not confirmed current within {@code bound}: since {@code confirmedAt}, or
         * never. Serving on it could route writes to replica sets a change has moved away from.
         */
        record Stale(long epoch, Optional<Instant> confirmedAt, Duration bound) implements Freshness {
        }
    }

    private static final Freshness CONFIRMED = new Freshness.Confirmed();

    private final TopologyStore store;
    private final Clock clock;
    private final Optional<Duration> confirmWithin;
    private final AtomicReference<TopologyView> view = new AtomicReference<>(TopologyView.empty());
    private final Map<NodeId, Liveness> observed = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private final AtomicReference<Instant> confirmedAt = new AtomicReference<>();
    /** Refresh-and-announce rounds one confirmation makes while the stored epoch keeps moving. */
    private static final int CONFIRM_ROUNDS = 3;

    /**
     * @param confirmWithin the view counts as stale once it was not confirmed (see {@link #confirm})
     *                      for this long; it must be safely shorter than the time after which the
     *                      epoch fence stops waiting for a silent coordinator
     */
    public ClusterTopology(TopologyStore store, Clock clock, Duration confirmWithin) {
        this(store, clock, Optional.of(confirmWithin));
    }

    /** A view that never counts as stale: for a coordinator that is alone with its store (tests, tools). */
    public ClusterTopology(TopologyStore store, Clock clock) {
        this(store, clock, Optional.empty());
    }

    private ClusterTopology(TopologyStore store, Clock clock, Optional<Duration> confirmWithin) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.confirmWithin = Objects.requireNonNull(confirmWithin, "confirmWithin");
        confirmWithin.ifPresent(bound -> {
            if (!bound.isPositive()) {
                throw new IllegalArgumentException("the confirmation bound must be positive, was " + bound);
            }
        });
    }

    /**
     * Refreshes the view from the store and announces the epoch served ({@code announce}: the
     * heartbeat the epoch fence reads); once both succeeded, and the store's epoch read after the
     * announcement is still the one announced, the view counts as confirmed as of the moment this
     * call began. Whoever stops waiting for this coordinator does so only after its heartbeat has
     * been silent for the liveness timeout, by which time a coordinator that could not confirm has
     * stopped serving. An epoch that moved while it was announced is refreshed and announced in
     * turn (up to {@value #CONFIRM_ROUNDS} rounds; past them nothing is confirmed this time): a
     * change committed between the refresh and the announcement may have found nobody behind its
     * epoch, this coordinator's heartbeat not written yet. Throws what the store or
     * {@code announce} threw (nothing is confirmed then).
     */
    public TopologyView confirm(LongConsumer announce) {
        Instant since = clock.now();
        TopologyView served = refresh();
        announce.accept(served.epoch());
        for (int round = 1; store.epoch() != served.epoch(); round++) {
            if (round == CONFIRM_ROUNDS) {
                return served;
            }
            served = refresh();
            announce.accept(served.epoch());
        }
        confirmedAt.accumulateAndGet(since, (a, b) -> a == null || b.isAfter(a) ? b : a);
        return served;
    }

    /** Whether the view may be served now: confirmed within the bound. */
    public Freshness freshness() {
        if (confirmWithin.isEmpty()) {
            return CONFIRMED;
        }
        Instant at = confirmedAt.get();
        Duration bound = confirmWithin.get();
        if (at != null && clock.now().isBefore(at.plus(bound))) {
            return CONFIRMED;
        }
        return new Freshness.Stale(view.get().epoch(), Optional.ofNullable(at), bound);
    }

    public TopologyView current() {
        return view.get();
    }

    /** Reloads the topology if the stored epoch differs from the one served. Returns the view served after. */
    public TopologyView refresh() {
        long stored = store.epoch();
        TopologyView served = view.get();
        if (stored != served.epoch() || served.topology().nodes().isEmpty() && stored > 0) {
            return reload();
        }
        return served;
    }

    /** Reloads unconditionally (startup, after a local change). */
    public TopologyView reload() {
        Topology loaded = store.load();
        synchronized (changes) {
            if (loaded.epoch() >= view.get().epoch()) {
                view.set(TopologyView.of(withObservedLiveness(loaded)));
            }
            return view.get();
        }
    }

    /**
     * Records what the failure detector observed of a node and serves it from now on: a DOWN
     * node stays in the ring (it keeps its ranges) but writes hint it without calling it and
     * reads skip it. Does not touch the store or the epoch. Returns the view served after.
     */
    public TopologyView markLiveness(NodeId id, Liveness liveness) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(liveness, "liveness");
        synchronized (changes) {
            observed.put(id, liveness);
            TopologyView served = view.get();
            boolean changed = served.node(id).map(n -> n.liveness() != liveness).orElse(false);
            if (changed) {
                view.set(TopologyView.of(withObservedLiveness(served.topology())));
            }
            return view.get();
        }
    }

    private Topology withObservedLiveness(Topology topology) {
        if (observed.isEmpty()) {
            return topology;
        }
        return new Topology(topology.epoch(), topology.nodes().stream().map(n -> {
            Liveness seen = observed.get(n.id());
            // the record's updatedAt is the stored row's; an observation is not a stored change
            return seen == null || seen == n.liveness() ? n
                    : new StorageNode(n.id(), n.host(), n.port(), n.virtualNodes(), n.state(), seen, n.createdAt(),
                    n.updatedAt());
        }).toList());
    }

    /**
     * Points a registered node at a new address (a storage node that moved host or port).
     * Ownership is unchanged; returns the node as stored, or empty if it is unknown.
     */
    public Optional<StorageNode> relocate(NodeId id, String host, int port) {
        Optional<StorageNode> existing = store.find(id);
        if (existing.isEmpty()) {
            return existing;
        }
        StorageNode moved = existing.get().withAddress(host, port, clock.now());
        store.update(moved);
        reload();
        return Optional.of(moved);
    }

    /**
     * Registers a node straight into the ring as NORMAL, streaming nothing: only for a ring that
     * holds no data yet (dev mode's own nodes, test set-ups). A node joining a cluster that
     * serves data bootstraps through {@link AddNode} instead.
     */
    public Registration register(NodeId id, String host, int port, int virtualNodes) {
        for (StorageNode existing : store.load().nodes()) {
            if (existing.id().equals(id)) {
                return new Registration.AlreadyRegistered(id);
            }
            if (existing.state() != NodeState.LEFT && existing.host().equals(host) && existing.port() == port) {
                return new Registration.AddressInUse(existing.id(), existing.address());
            }
        }
        var now = clock.now();
        StorageNode node = new StorageNode(id, host, port, virtualNodes, NodeState.NORMAL, Liveness.UP, now, now);
        if (store.insert(node) == TopologyStore.InsertOutcome.ALREADY_EXISTS) {
            return new Registration.AlreadyRegistered(id);
        }
        TopologyView after = reload();
        return new Registration.Registered(after.node(id).orElse(node), after.epoch());
    }
}
