package io.pairdb.adapters.liveness;

import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.liveness.LivenessEvents;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What failure detection reports, as the operator sees it: a WARN line for each node that goes
 * DOWN, an INFO line for each that comes back UP (whose hints the core then replays at once, see
 * {@code ReplayHintsWhenNodesReturn}).
 */
public final class LivenessLog implements LivenessEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessLog.class);

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
    }
}
