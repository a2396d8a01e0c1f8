package io.pairdb.app.topology;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.topology.ClusterTopology;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/** Polls the ring epoch so a node registered through another coordinator is used here too. */
@Context
public class TopologyRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyRefresher.class);
    private final ClusterTopology topology;
    private long servedEpoch = -1;

    public TopologyRefresher(ClusterTopology topology) {
        this.topology = topology;
    }

    @Scheduled(fixedDelay = "${pairdb.topology.refresh-interval:5s}", initialDelay = "${pairdb.topology.refresh-interval:5s}")
    void refresh() {
        PeriodicRound.run(LOG, "ring_refresh_failed", "could not refresh the ring from PostgreSQL", () -> {
            TopologyView view = topology.refresh();
            if (view.epoch() != servedEpoch) {
                String nodes = view.nodes().stream()
                        .map(n -> n.id().value() + "=" + n.state() + "/" + n.liveness())
                        .collect(Collectors.joining(" "));
                LOG.atInfo().addKeyValue("event", "ring_epoch_changed").addKeyValue("epoch", view.epoch())
                        .addKeyValue("previous_epoch", servedEpoch).addKeyValue("nodes", nodes)
                        .log("serving ring epoch {}: {}", view.epoch(), nodes.isEmpty() ? "no storage nodes" : nodes);
                servedEpoch = view.epoch();
            }
        });
    }
}
