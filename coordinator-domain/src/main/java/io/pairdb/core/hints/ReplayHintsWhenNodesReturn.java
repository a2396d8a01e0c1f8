package io.pairdb.core.hints;

import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.liveness.LivenessEvents;
import io.pairdb.core.node.Liveness;
import java.util.Objects;

/**
 * Replays a node's hints as soon as failure detection sees it UP again, rather than at the next
 * periodic pass ({@link ReplayHints#replayPending}). Every transition is passed on to {@code next}
 * (the log) first.
 */
public final class ReplayHintsWhenNodesReturn implements LivenessEvents {
    private final LivenessEvents next;
    private final ImmediateReplay replay;

    public ReplayHintsWhenNodesReturn(LivenessEvents next, ImmediateReplay replay) {
        this.next = Objects.requireNonNull(next, "next");
        this.replay = Objects.requireNonNull(replay, "replay");
    }

    @Override
    public void changed(DetectFailures.Transition transition) {
        next.changed(transition);
        if (transition.now() == Liveness.UP) {
            replay.start(transition.node().id());
        }
    }
}
