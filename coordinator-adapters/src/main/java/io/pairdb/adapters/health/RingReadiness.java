package io.pairdb.adapters.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.topology.ClusterTopology;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Ready once the ring this coordinator serves has at least {@code pairdb.health.min-ring-nodes}
 * (default 1) nodes that are in the current ring (NORMAL or LEAVING) and not marked DOWN.
 *
 * <p>Why not "at least the default RF": every coordinator sees the same ring, so a storage
 * outage would take all of them out of the Service at once, and clients would get connection
 * errors instead of {@code UNAVAILABLE} with a reason; it would also lock out the admin API
 * that adds the nodes. Whether a given tenant's consistency level can be met is answered per
 * request. Set it to 0 to be ready with an empty ring (first installation).
 */
@Singleton
@Readiness
@Requires(beans = {HealthEndpoint.class, ClusterTopology.class})
public final class RingReadiness implements HealthIndicator {
    private final ClusterTopology topology;
    private final int minimumNodes;

    public RingReadiness(ClusterTopology topology, @Value("${pairdb.health.min-ring-nodes:1}") int minimumNodes) {
        if (minimumNodes < 0) {
            throw new IllegalArgumentException("pairdb.health.min-ring-nodes must not be negative, was " + minimumNodes);
        }
        this.topology = topology;
        this.minimumNodes = minimumNodes;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        TopologyView view = topology.current();
        List<StorageNode> ring = view.nodes().stream().filter(n -> n.state().inCurrentRing()).toList();
        long up = ring.stream().filter(n -> n.liveness() == Liveness.UP).count();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("epoch", view.epoch());
        details.put("ringNodes", ring.size());
        details.put("upNodes", up);
        details.put("required", minimumNodes);
        HealthStatus status = up >= minimumNodes ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("ring", status).details(details).build());
    }
}
