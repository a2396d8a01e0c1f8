package io.pairdb.core.hints;

import io.pairdb.core.node.NodeId;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this coordinator has replayed and dropped since it started, per node, for the admin
 * API; every count is passed on to {@link HintEvents} too. Thread-safe.
 */
public final class HintTally {
    /** One node's counts. */
    public record Counts(long replayed, long failedDeliveries, Map<DropReason, Long> dropped) {
        public Counts {
            EnumMap<DropReason, Long> complete = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                complete.put(reason, dropped.getOrDefault(reason, 0L));
            }
            dropped = Map.copyOf(complete);
        }

        public static final Counts NONE = new Counts(0, 0, Map.of());

        public long droppedTotal() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final class NodeCounters {
        final LongAdder replayed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

        NodeCounters() {
            for (DropReason reason : DropReason.values()) {
                dropped.put(reason, new LongAdder());
            }
        }

        Counts snapshot() {
            EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
            dropped.forEach((reason, n) -> d.put(reason, n.sum()));
            return new Counts(replayed.sum(), failed.sum(), d);
        }
    }

    private final String coordinatorId;
    private final HintEvents events;
    private final Instant since;
    private final Map<NodeId, NodeCounters> nodes = new ConcurrentHashMap<>();

    public HintTally(String coordinatorId, HintEvents events, Instant since) {
        this.coordinatorId = Objects.requireNonNull(coordinatorId, "coordinatorId");
        this.events = Objects.requireNonNull(events, "events");
        this.since = Objects.requireNonNull(since, "since");
    }

    /** Reports a replay run's end to the {@link HintEvents}. */
    public void ended(ReplayReport report) {
        events.replayEnded(report);
    }

    /** Whose counts these are. */
    public String coordinatorId() {
        return coordinatorId;
    }

    /** When counting started (this coordinator's start). */
    public Instant since() {
        return since;
    }

    public void replayed(NodeId target, long count) {
        if (count > 0) {
            counters(target).replayed.add(count);
            events.replayed(target, count);
        }
    }

    public void replayFailed(NodeId target, long count) {
        if (count > 0) {
            counters(target).failed.add(count);
            events.replayFailed(target, count);
        }
    }

    public void dropped(NodeId target, DropReason reason, long count) {
        if (count > 0) {
            counters(target).dropped.get(reason).add(count);
            events.dropped(target, reason, count);
        }
    }

    public Counts of(NodeId target) {
        NodeCounters c = nodes.get(target);
        return c == null ? Counts.NONE : c.snapshot();
    }

    /** Every node counted so far, by id. */
    public Map<NodeId, Counts> all() {
        Map<NodeId, Counts> all = new TreeMap<>();
        nodes.forEach((id, c) -> all.put(id, c.snapshot()));
        return all;
    }

    private NodeCounters counters(NodeId target) {
        return nodes.computeIfAbsent(target, t -> new NodeCounters());
    }
}
