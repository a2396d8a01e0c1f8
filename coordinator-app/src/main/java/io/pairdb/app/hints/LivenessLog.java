package io.pairdb.app.hints;

import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.liveness.LivenessEvents;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What failure detection reports, as the operator sees it: a WARN line for each node that goes
 * DOWN, an INFO line for each that comes back UP, whose hints are then replayed at once.
 */
@Singleton
public class LivenessLog implements LivenessEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessLog.class);

    private final ReplayHints replay;

    public LivenessLog(ReplayHints replay) {
        this.replay = replay;
    }

    @Override
    public void changed(DetectFailures.Transition transition) {
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
