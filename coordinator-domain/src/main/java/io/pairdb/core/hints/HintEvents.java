package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.util.Optional;

/**
 * What hint replay and expiry report: what each run delivered, failed to deliver and dropped, the
 * hints waiting per node, and the end of every replay run, whoever started it. One adapter records
 * them as metrics and logs them. Hints stored on the write path are counted by
 * {@link io.pairdb.core.replication.RequestEvents#hintStored()}, with the request that stored them. Thread-safe; never throws.
 */
public interface HintEvents {
    /** Hints delivered to their node (applied, or ignored as already superseded there). */
    void replayed(NodeId target, long count);

    /** Deliveries that failed; each counts as one attempt of its hint, but a refusal for lack of room. */
    void replayFailed(NodeId target, long count);

    void dropped(NodeId target, DropReason reason, long count);

    /** How many hints wait for the node, as last seen. */
    void pending(NodeId target, long count);

    /** How old the oldest hint waiting for the node was when last seen; empty when none waits. */
    void oldestPending(NodeId target, Optional<Duration> age);

    /** A replay run ended (drained, stopped early, or nothing to do), with what it did. */
    void replayEnded(ReplayReport report);

    HintEvents NONE = new HintEvents() {
        @Override
        public void replayed(NodeId target, long count) {
        }

        @Override
        public void replayFailed(NodeId target, long count) {
        }

        @Override
        public void dropped(NodeId target, DropReason reason, long count) {
        }

        @Override
        public void pending(NodeId target, long count) {
        }

        @Override
        public void oldestPending(NodeId target, Optional<Duration> age) {
        }

        @Override
        public void replayEnded(ReplayReport report) {
        }
    };
}
