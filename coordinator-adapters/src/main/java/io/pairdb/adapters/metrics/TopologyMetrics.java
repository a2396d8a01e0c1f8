package io.pairdb.adapters.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.topology.ClusterTopology;
import java.util.Locale;
import java.util.Objects;

/**
 * The ring this coordinator serves, read from {@link ClusterTopology#current()} at scrape time:
 * {@code coordinator_ring_epoch} and {@code coordinator_storage_nodes{state,liveness}} (every
 * combination is reported, zeros included, so a node leaving a state shows as a drop to 0).
 */
public final class TopologyMetrics implements MeterBinder {
    private final ClusterTopology topology;

    public TopologyMetrics(ClusterTopology topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("coordinator.ring.epoch", topology, t -> t.current().epoch())
                .description("Ring epoch this coordinator serves")
                .strongReference(true)
                .register(registry);
        for (NodeState state : NodeState.values()) {
            for (Liveness liveness : Liveness.values()) {
                Gauge.builder("coordinator.storage.nodes", topology, t -> t.current().nodes().stream()
                                .filter(n -> n.state() == state && n.liveness() == liveness).count())
                        .description("Registered storage nodes by ring state and liveness")
                        .tag("state", state.name().toLowerCase(Locale.ROOT))
                        .tag("liveness", liveness.name().toLowerCase(Locale.ROOT))
                        .strongReference(true)
                        .register(registry);
            }
        }
    }
}
