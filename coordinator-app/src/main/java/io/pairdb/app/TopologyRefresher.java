package io.pairdb.app;

import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.PairDbException;
import io.pairdb.core.topology.ClusterTopology;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Polls the ring epoch so a node registered through another coordinator is used here too. */
@Singleton
public class TopologyRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyRefresher.class);
    private final ClusterTopology topology;
    private long servedEpoch = -1;

    public TopologyRefresher(ClusterTopology topology) {
        this.topology = topology;
    }

    @Scheduled(fixedDelay = "${pairdb.topology.refresh-interval:5s}", initialDelay = "${pairdb.topology.refresh-interval:5s}")
    void refresh() {
        try {
            long epoch = topology.refresh().epoch();
            if (epoch != servedEpoch) {
                LOG.info("serving ring epoch {}", epoch);
                servedEpoch = epoch;
            }
        } catch (PairDbException e) {
            LOG.warn("could not refresh the ring from PostgreSQL: {}", e.getMessage());
        }
    }
}
