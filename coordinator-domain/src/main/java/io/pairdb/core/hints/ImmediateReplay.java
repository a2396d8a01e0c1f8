package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Starts a node's hint replay now, for the events that call for it at once rather than at the next
 * periodic pass ({@link ReplayHintsWhenNodesReturn}, {@link ReplayHintsWhenNodesLeave}).
 *
 * @param runEnded told how each run started here ended; a run that throws is a defect, so it is
 *     where the app logs one (what a run did is reported through {@link HintEvents})
 */
public record ImmediateReplay(ReplayHints replay, BiConsumer<? super ReplayReport, ? super Throwable> runEnded) {
    public ImmediateReplay {
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(runEnded, "runEnded");
    }

    void start(NodeId node) {
        replay.replay(node).whenComplete(runEnded);
    }
}
