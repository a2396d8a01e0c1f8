package io.pairdb.app.hints;

import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.liveness.DetectFailures;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * Probes every storage node each {@code pairdb.failure-detector.interval}, logs each node that
 * goes DOWN or comes back UP, and replays the hints of a node as soon as it is seen UP.
 *
 * <p>Each coordinator judges liveness from its own probes and keeps it in memory; nothing is
 * written to PostgreSQL. A shared flag would need every coordinator to agree on who may flip
 * it, would make one coordinator's partition from a node everyone's, and would put a write on
 * the shared database for every flap; the ring membership stays the only shared state, as in
 * Cassandra, where each node runs its own failure detector over gossip.
 */
@Singleton
public class FailureDetection {
    private static final Logger LOG = LoggerFactory.getLogger(FailureDetection.class);

    private final DetectFailures detection;
    private final ReplayHints replay;

    public FailureDetection(DetectFailures detection, ReplayHints replay) {
        this.detection = detection;
        this.replay = replay;
        detection.addListener(this::livenessChanged);
    }

    @Scheduled(fixedDelay = "${pairdb.failure-detector.interval:1s}")
    void probe() {
        PeriodicRound.run(LOG, "probe_round_failed", "a probe round failed", detection::probeAll);
    }

    private void livenessChanged(DetectFailures.Transition transition) {
        StorageNode node = transition.node();
        if (transition.now() == Liveness.DOWN) {
            String why = transition.lastFailure().orElse("unknown");
            LOG.atWarn().addKeyValue("event", "node_down").addKeyValue("node", node.id().value())
                    .addKeyValue("address", node.address()).addKeyValue("failed_probes", transition.consecutiveFailures())
                    .addKeyValue("last_failure", why)
                    .log("storage node {} ({}) is DOWN after {} failed probes (last: {}): writes to it are hinted, "
                            + "reads skip it", node.id(), node.address(), transition.consecutiveFailures(), why);
            return;
        }
        LOG.atInfo().addKeyValue("event", "node_up").addKeyValue("node", node.id().value())
                .addKeyValue("address", node.address())
                .log("storage node {} ({}) is UP again; replaying its hints", node.id(), node.address());
        // the run's end is logged by HintReplayLog
        replay.replay(node.id()).whenComplete(HintReplayLog::failedIfSo);
    }
}
