package io.pairdb.app.hints;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.hints.DescribeHints;
import io.pairdb.core.hints.ExpireHints;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.liveness.FailureDetector;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;
import io.pairdb.adapters.hints.HintReplayLog;

/**
 * The periodic side of hinted handoff: every {@code pairdb.hints.replay-interval} the
 * pending-hints gauge is refreshed and every UP node with hints waiting is replayed (the
 * safety net behind the replay on UP); every {@code pairdb.hints.expiry-interval} hints older
 * than the TTL are dropped. Every drop is logged and counted.
 */
@Context
public class HintMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(HintMaintenance.class);

    private final ReplayHints replay;
    private final ExpireHints expiry;
    private final DescribeHints describe;
    private final FailureDetector detector;

    public HintMaintenance(ReplayHints replay, ExpireHints expiry, DescribeHints describe, FailureDetector detector) {
        this.replay = replay;
        this.expiry = expiry;
        this.describe = describe;
        this.detector = detector;
    }

    @Scheduled(fixedDelay = "${pairdb.hints.replay-interval:60s}", initialDelay = "${pairdb.hints.replay-interval:60s}")
    void replayPending() {
        PeriodicRound.run(LOG, "hint_replay_failed", "periodic hint replay failed", () -> {
            describe.describe();
            // a node whose last probe failed is likely going DOWN: replaying to it would only spend its
            // hints' attempts. Each run's end is logged by HintReplayLog.
            replay.replayPending(node -> detector.consecutiveFailures(node) == 0).whenComplete(HintReplayLog::failedIfSo);
        });
    }

    @Scheduled(fixedDelay = "${pairdb.hints.expiry-interval:1h}")
    void expire() {
        PeriodicRound.run(LOG, "hint_expiry_failed", "hint expiry failed", () -> {
            Map<NodeId, Long> dropped = expiry.expire();
            dropped.forEach((node, count) -> LOG.atWarn().addKeyValue("event", "hints_dropped")
                    .addKeyValue("node", node.value()).addKeyValue("reason", "expired").addKeyValue("count", count)
                    .log("dropped {} hints for node {}: older than the hint TTL", count, node));
        });
    }
}
