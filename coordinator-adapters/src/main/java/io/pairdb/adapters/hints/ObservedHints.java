package io.pairdb.adapters.hints;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.hints.DropReason;
import io.pairdb.core.hints.HintEvents;
import io.pairdb.core.hints.ReplayReport;
import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What hint replay reports, as the operator sees it: one log line per replay run that did something
 * or stopped early, whoever started it (drops and early stops are WARN: drops are writes a replica
 * will miss until it is repaired), and Micrometer meters per storage node (a bounded label: the nodes of the ring):
 * {@code coordinator_hints_replayed_total{node}}, {@code coordinator_hints_replay_failures_total{node}},
 * {@code coordinator_hints_dropped_total{node,reason}} and the gauges {@code coordinator_hints_pending{node}} and
 * {@code coordinator_hints_oldest_age_seconds{node}}, beside {@code coordinator_hints_ttl_seconds} (so an alert
 * can say "near the TTL" without repeating it). Hints stored are {@code coordinator_hints_stored_total},
 * reported on the write path through the core's {@link io.pairdb.core.replication.RequestEvents}.
 *
 * <p>A node's counters exist at zero from the moment its pending hints are first reported: Prometheus'
 * {@code increase()} sees a counter's first increment only if the series existed before it, so an alert
 * on drops would otherwise miss the first drop for a node.
 */
public final class ObservedHints implements HintEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedHints.class);

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<NodeId, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<NodeId, AtomicLong> oldestAgeMillis = new ConcurrentHashMap<>();

    /** @param ttl the hint TTL, shown as a gauge */
    public ObservedHints(MeterRegistry registry, Duration ttl) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(ttl, "ttl");
        Gauge.builder("coordinator.hints.ttl", () -> ttl.toMillis() / 1000.0)
                .description("Hints older than this are dropped (pairdb.hints.ttl)").baseUnit("seconds")
                .register(registry);
    }

    @Override
    public void replayEnded(ReplayReport report) {
        // hints that wait for a replica (NO_REPLICA) are seen at every periodic run until one can take them:
        // like a drained run, such a run says nothing unless it delivered or dropped something
        boolean drained = report.ending() == ReplayReport.Ending.DRAINED
                || report.ending() == ReplayReport.Ending.NO_REPLICA;
        if (drained && report.delivered() == 0 && report.droppedTotal() == 0) {
            return;
        }
        String ending = report.ending().name().toLowerCase(Locale.ROOT);
        String left = report.remaining().isPresent() ? String.valueOf(report.remaining().getAsLong()) : "unknown";
        (drained && report.droppedTotal() == 0 ? LOG.atInfo() : LOG.atWarn())
                .addKeyValue("event", "hint_replay").addKeyValue("node", report.target().value())
                .addKeyValue("ending", ending).addKeyValue("delivered", report.delivered())
                .addKeyValue("failed", report.failed()).addKeyValue("dropped", report.droppedTotal())
                .addKeyValue("remaining", left)
                .log("hint replay to node {}: {} delivered, {} failed, {} dropped{}, {} left ({})", report.target(),
                        report.delivered(), report.failed(), report.droppedTotal(), reasons(report.dropped()), left,
                        ending);
    }

    private static String reasons(Map<DropReason, Long> dropped) {
        String reasons = dropped.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return reasons.isEmpty() ? "" : " (" + reasons + ")";
    }

    @Override
    public void replayed(NodeId target, long count) {
        replayed(target).increment(count);
    }

    @Override
    public void replayFailed(NodeId target, long count) {
        replayFailures(target).increment(count);
    }

    @Override
    public void dropped(NodeId target, DropReason reason, long count) {
        dropped(target, reason).increment(count);
    }

    @Override
    public void pending(NodeId target, long count) {
        pending.computeIfAbsent(target, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("coordinator.hints.pending", value, AtomicLong::get)
                    .description("Hints waiting for the node, as last read from PostgreSQL (shared by every coordinator)")
                    .tag("node", t.value())
                    .register(registry);
            replayed(t);
            replayFailures(t);
            for (DropReason reason : DropReason.values()) {
                dropped(t, reason);
            }
            return value;
        }).set(count);
    }

    @Override
    public void oldestPending(NodeId target, Optional<Duration> age) {
        oldestAgeMillis.computeIfAbsent(target, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("coordinator.hints.oldest.age", value, v -> v.get() / 1000.0)
                    .description("Age of the oldest hint waiting for the node (0 when none waits), as last read from "
                            + "PostgreSQL; hints older than pairdb.hints.ttl are dropped")
                    .tag("node", t.value())
                    .baseUnit("seconds")
                    .register(registry);
            return value;
        }).set(age.map(Duration::toMillis).orElse(0L));
    }

    private Counter replayed(NodeId target) {
        return counter("coordinator.hints.replayed", "Hints delivered to their node by replay", target, null);
    }

    private Counter replayFailures(NodeId target) {
        return counter("coordinator.hints.replay.failures", "Hint deliveries that failed; each is an attempt of its hint",
                target, null);
    }

    private Counter dropped(NodeId target, DropReason reason) {
        return counter("coordinator.hints.dropped", "Hints given up on without delivery: too many attempts, expired, "
                + "or no node replicates their key any more", target, reason);
    }

    private Counter counter(String name, String description, NodeId target, DropReason reason) {
        String key = name + '/' + target.value() + '/' + reason;
        return counters.computeIfAbsent(key, k -> {
            Counter.Builder builder = Counter.builder(name).description(description).tag("node", target.value());
            if (reason != null) {
                builder.tag("reason", reason.name().toLowerCase(Locale.ROOT));
            }
            return builder.register(registry);
        });
    }
}
