package io.pairdb.core.hints;

import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.topology.ChangeEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Hands a removed node's hints to their keys' current replicas as soon as its removal completes,
 * rather than at the next periodic pass ({@link ReplayHints#replayPending}). Every change event is
 * passed on to {@code next} (the log and the meters) first.
 */
public final class ReplayHintsWhenNodesLeave implements ChangeEvents {
    private final ChangeEvents next;
    private final ImmediateReplay replay;

    public ReplayHintsWhenNodesLeave(ChangeEvents next, ImmediateReplay replay) {
        this.next = Objects.requireNonNull(next, "next");
        this.replay = Objects.requireNonNull(replay, "replay");
    }

    @Override
    public void started(TopologyChange change) {
        // a removal never ends when it starts (it is driven even with nothing to stream): its ending comes later
        next.started(change);
    }

    @Override
    public void ended(TopologyChange change) {
        next.ended(change);
        handOver(change);
    }

    private void handOver(TopologyChange change) {
        if (change.type() == ChangeType.REMOVE_NODE && change.status() == ChangeStatus.COMPLETED) {
            replay.start(change.node().orElseThrow());
        }
    }

    @Override
    public void resumed(TopologyChange change) {
        next.resumed(change);
    }

    @Override
    public void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind) {
        next.awaitingEpoch(change, epoch, behind);
    }

    @Override
    public void fenced(TopologyChange change) {
        next.fenced(change);
    }

    @Override
    public void streamProgressed(TopologyChange change, RangeStream before, RangeStream after) {
        next.streamProgressed(change, before, after);
    }

    @Override
    public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
        next.streamFailed(change, stream, error, retryIn);
    }

    @Override
    public void streamLost(TopologyChange change, RangeStream stream, String why) {
        next.streamLost(change, stream, why);
    }

    @Override
    public void handedOver(TopologyChange change, long epoch) {
        next.handedOver(change, epoch);
    }

    @Override
    public void leaseLost(ChangeId change) {
        next.leaseLost(change);
    }

    @Override
    public void stepFailed(ChangeId change, RuntimeException error) {
        next.stepFailed(change, error);
    }
}
