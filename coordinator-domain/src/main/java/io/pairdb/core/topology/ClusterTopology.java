package io.pairdb.core.topology;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.ring.TopologyView;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This coordinator's view of the ring, rebuilt from the {@link TopologyStore} whenever the
 * epoch there moves, and node registration. Thread-safe: the view is swapped atomically.
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

    private final TopologyStore store;
    private final Clock clock;
    private final AtomicReference<TopologyView> view = new AtomicReference<>(TopologyView.empty());

    public ClusterTopology(TopologyStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        TopologyView fresh = TopologyView.of(store.load());
        view.accumulateAndGet(fresh, (old, candidate) -> candidate.epoch() >= old.epoch() ? candidate : old);
        return view.get();
    }

    /**
     * Registers a node straight into the ring as NORMAL. Range streaming for joining nodes is
     * the topology-change work (bootstrap); until then nodes are best added before data is loaded.
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
