package io.pairdb.core.testing;

import io.pairdb.core.hints.DropReason;
import io.pairdb.core.hints.HintEvents;
import io.pairdb.core.hints.ReplayReport;
import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what hint replay and expiry report, so tests can assert on it. */
public final class RecordingHintEvents implements HintEvents {
    public final Map<NodeId, Long> replayed = new ConcurrentHashMap<>();
    public final Map<NodeId, Long> replayFailures = new ConcurrentHashMap<>();
    public final Map<String, Long> dropped = new ConcurrentHashMap<>();
    public final Map<NodeId, Long> pending = new ConcurrentHashMap<>();
    public final Map<NodeId, Optional<Duration>> oldestPending = new ConcurrentHashMap<>();
    /** Every replay run's report, in the order the runs ended. */
    public final List<ReplayReport> ended = new CopyOnWriteArrayList<>();

    @Override
    public void replayed(NodeId target, long count) {
        replayed.merge(target, count, Long::sum);
    }

    @Override
    public void replayFailed(NodeId target, long count) {
        replayFailures.merge(target, count, Long::sum);
    }

    @Override
    public void dropped(NodeId target, DropReason reason, long count) {
        dropped.merge(target + "/" + reason, count, Long::sum);
    }

    @Override
    public void pending(NodeId target, long count) {
        pending.put(target, count);
    }

    @Override
    public void oldestPending(NodeId target, Optional<Duration> age) {
        oldestPending.put(target, age);
    }

    @Override
    public void replayEnded(ReplayReport report) {
        ended.add(report);
    }

    public long dropped(NodeId target, DropReason reason) {
        return dropped.getOrDefault(target + "/" + reason, 0L);
    }
}
