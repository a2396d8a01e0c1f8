package io.pairdb.app.hints;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.app.PeriodicRound;
import io.pairdb.core.liveness.DetectFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every storage node each {@code pairdb.failure-detector.interval}; each node that goes DOWN
 * or comes back UP is logged ({@code LivenessLog}), and a node seen UP has its hints replayed at once
 * ({@code ReplayHintsWhenNodesReturn}).
 *
 * <p>Each coordinator judges liveness from its own probes and keeps it in memory; nothing is
 * written to PostgreSQL. A shared flag would need every coordinator to agree on who may flip
 * it, would make one coordinator's partition from a node everyone's, and would put a write on
 * the shared database for every flap; the ring membership stays the only shared state, as in
 * Cassandra, where each node runs its own failure detector over gossip.
 */
@Context
public class FailureDetection {
    private static final Logger LOG = LoggerFactory.getLogger(FailureDetection.class);

    private final DetectFailures detection;

    public FailureDetection(DetectFailures detection) {
        this.detection = detection;
    }

    @Scheduled(fixedDelay = "${pairdb.failure-detector.interval:1s}")
    void probe() {
        PeriodicRound.run(LOG, "probe_round_failed", "a probe round failed", detection::probeAll);
    }
}
