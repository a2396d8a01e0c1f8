package io.pairdb.adapters.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.topology.ChangeEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to topology changes on this coordinator, as one structured log line per event and
 * as counters.
 *
 * <p>Counters, labelled by the change's {@code type} ({@code add_node}, {@code remove_node},
 * {@code change_rf}) and never by change, node or tenant: {@code coordinator_topology_changes_started_total},
 * {@code coordinator_topology_changes_ended_total{status}}, {@code coordinator_topology_ranges_streamed_total},
 * {@code coordinator_topology_streamed_keys_total}, {@code coordinator_topology_streamed_bytes_total},
 * {@code coordinator_topology_stream_failures_total}. The epoch fence: {@code
 * coordinator_topology_epoch_fence_wait_seconds} (how long changes driven here waited for every
 * coordinator to serve their epoch) and {@code coordinator_topology_epoch_fence_waiting} (changes
 * waiting now). Every series exists at zero from the start, so {@code increase()} sees the first event.
 */
public final class TopologyChangeLog implements ChangeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyChangeLog.class);

    private final Clock clock;
    private final Map<ChangeType, TypeMeters> meters = new EnumMap<>(ChangeType.class);
    private final Timer fenceWaits;
    private final Map<ChangeId, Instant> waitingForFence = new ConcurrentHashMap<>();

    /** The counters of one type of change. */
    private record TypeMeters(Counter started, Map<ChangeStatus, Counter> ended, Counter rangesStreamed, Counter keys,
                              Counter bytes, Counter streamFailures) {
        static TypeMeters register(MeterRegistry registry, ChangeType type) {
            Tags tags = Tags.of("type", type.name().toLowerCase(Locale.ROOT));
            Map<ChangeStatus, Counter> ended = new EnumMap<>(ChangeStatus.class);
            for (ChangeStatus status : ChangeStatus.values()) {
                if (status.isFinal()) {
                    ended.put(status, Counter.builder("coordinator.topology.changes.ended")
                            .description("Topology changes that ended while driven here, by final status")
                            .tags(tags).tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
                }
            }
            return new TypeMeters(
                    Counter.builder("coordinator.topology.changes.started")
                            .description("Topology changes started through this coordinator").tags(tags).register(registry),
                    ended,
                    Counter.builder("coordinator.topology.ranges.streamed")
                            .description("Range streams whose whole range reached its target").tags(tags).register(registry),
                    Counter.builder("coordinator.topology.streamed.keys")
                            .description("Entries copied to the targets of range streams").tags(tags).register(registry),
                    Counter.builder("coordinator.topology.streamed.bytes")
                            .description("Approximate bytes copied to the targets of range streams")
                            .tags(tags).register(registry),
                    Counter.builder("coordinator.topology.stream.failures")
                            .description("Failed attempts of range streams (each is retried until the stream failure timeout)")
                            .tags(tags).register(registry));
        }
    }

    public TopologyChangeLog(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        for (ChangeType type : ChangeType.values()) {
            meters.put(type, TypeMeters.register(registry, type));
        }
        fenceWaits = Timer.builder("coordinator.topology.epoch.fence.wait")
                .description("How long changes driven here waited for every live coordinator to serve their ring epoch")
                .register(registry);
        Gauge.builder("coordinator.topology.epoch.fence.waiting", waitingForFence, Map::size)
                .description("Changes driven here that wait for every live coordinator to serve their ring epoch")
                .register(registry);
    }

    @Override
    public void started(TopologyChange change) {
        meters.get(change.type()).started().increment();
        TopologyChange.Totals t = change.totals();
        LOG.atInfo().addKeyValue("event", "topology_change_started").addKeyValue("change", change.id().value())
                .addKeyValue("type", change.type()).addKeyValue("subject", change.subject())
                .addKeyValue("status", change.status()).addKeyValue("ring_epoch", change.ringEpoch())
                .addKeyValue("streams", t.streams()).addKeyValue("force", change.force())
                .log(change.inProgress()
                                ? "change {} started: {} of {} at ring epoch {}, {} range streams"
                                : "change {} done at once: {} of {} at ring epoch {}, {} range streams (nothing to stream)",
                        change.id(), change.type(), change.subject(), change.ringEpoch(), t.streams());
        if (change.unrecoverableRanges() > 0) {
            LOG.atWarn().addKeyValue("event", "topology_change_unrecoverable_ranges")
                    .addKeyValue("change", change.id().value()).addKeyValue("ranges", change.unrecoverableRanges())
                    .log("change {}: {} ranges were held by {} alone (RF 1) and cannot be recovered",
                            change.id(), change.unrecoverableRanges(), change.subject());
        }
        if (!change.inProgress()) {
            ended(change);
        }
    }

    @Override
    public void resumed(TopologyChange change) {
        TopologyChange.Totals t = change.totals();
        LOG.atInfo().addKeyValue("event", "topology_change_resumed").addKeyValue("change", change.id().value())
                .addKeyValue("streams_done", t.done()).addKeyValue("streams", t.streams()).addKeyValue("keys", t.keys())
                .log("resuming change {} whose driver went silent: {} of {} range streams done, {} keys copied",
                        change.id(), t.done(), t.streams(), t.keys());
    }

    @Override
    public void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind) {
        waitingForFence.putIfAbsent(change.id(), clock.now());
        String who = behind.stream().map(m -> m.coordinatorId() + "@" + m.servedEpoch()).collect(Collectors.joining(", "));
        LOG.atInfo().addKeyValue("event", "topology_change_awaiting_epoch").addKeyValue("change", change.id().value())
                .addKeyValue("ring_epoch", epoch).addKeyValue("behind", who)
                .log("change {} waits for coordinators to serve ring epoch {}: {}", change.id(), epoch, who);
    }

    @Override
    public void handedOver(TopologyChange change, long epoch) {
        LOG.atInfo().addKeyValue("event", "topology_change_handed_over").addKeyValue("change", change.id().value())
                .addKeyValue("ring_epoch", epoch)
                .log("change {}: every range is streamed and reads moved at ring epoch {}; it ends once every live"
                        + " coordinator serves that epoch", change.id(), epoch);
    }

    @Override
    public void fenced(TopologyChange change) {
        fenceWaitEnded(change.id());
        LOG.atInfo().addKeyValue("event", "topology_change_fenced").addKeyValue("change", change.id().value())
                .addKeyValue("ring_epoch", change.ringEpoch())
                .log("change {}: every live coordinator serves ring epoch {}; streaming", change.id(), change.ringEpoch());
    }

    @Override
    public void streamProgressed(TopologyChange change, RangeStream before, RangeStream after) {
        TypeMeters m = meters.get(change.type());
        m.keys().increment(after.keys() - before.keys());
        m.bytes().increment(after.bytes() - before.bytes());
        if (after.isDone() && !before.isDone()) {
            m.rangesStreamed().increment();
        }
    }

    @Override
    public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
        meters.get(change.type()).streamFailures().increment();
        LOG.atWarn().addKeyValue("event", "range_stream_failed").addKeyValue("change", change.id().value())
                .addKeyValue("stream", stream.index()).addKeyValue("range", stream.range().toString())
                .addKeyValue("target", stream.target().value()).addKeyValue("retry_in_ms", retryIn.toMillis())
                .log("change {}: stream {} of range {} to {} failed, retrying in {} ms: {}", change.id(), stream.index(),
                        stream.range(), stream.target(), retryIn.toMillis(), error);
    }

    @Override
    public void streamLost(TopologyChange change, RangeStream stream, String why) {
        LOG.atWarn().addKeyValue("event", "range_stream_lost").addKeyValue("change", change.id().value())
                .addKeyValue("stream", stream.index()).addKeyValue("range", stream.range().toString())
                .addKeyValue("target", stream.target().value())
                .log("change {}: stream {}: {}", change.id(), stream.index(), why);
    }

    @Override
    public void ended(TopologyChange change) {
        fenceWaitEnded(change.id());
        Counter endedAs = meters.get(change.type()).ended().get(change.status());
        if (endedAs != null) {
            endedAs.increment();
        }
        TopologyChange.Totals t = change.totals();
        var line = (change.status() == ChangeStatus.COMPLETED ? LOG.atInfo() : LOG.atError())
                .addKeyValue("event", "topology_change_ended").addKeyValue("change", change.id().value())
                .addKeyValue("status", change.status()).addKeyValue("subject", change.subject())
                .addKeyValue("keys", t.keys()).addKeyValue("bytes", t.bytes());
        change.error().ifPresent(e -> line.addKeyValue("error", e));
        line.log("change {} {}: {} of {}; {} keys ({} bytes) copied{}", change.id(), change.status(), change.type(),
                change.subject(), t.keys(), t.bytes(), change.error().map(e -> "; rolled back: " + e).orElse(""));
    }

    @Override
    public void leaseLost(ChangeId change) {
        fenceWaitEnded(change);
        LOG.atWarn().addKeyValue("event", "topology_change_lease_lost").addKeyValue("change", change.value())
                .log("change {} is driven by another coordinator now; stopped driving it here", change);
    }

    /** A wait for the epoch fence is over here: passed, or the change ended or moved to another coordinator. */
    private void fenceWaitEnded(ChangeId change) {
        Instant since = waitingForFence.remove(change);
        if (since != null) {
            Duration waited = Duration.between(since, clock.now());
            fenceWaits.record(waited.isNegative() ? Duration.ZERO : waited);
        }
    }

    @Override
    public void stepFailed(ChangeId change, RuntimeException error) {
        LOG.atWarn().addKeyValue("event", "topology_change_step_failed").addKeyValue("change", change.value())
                .log("change {}: a step failed, retrying: {}", change, error.toString());
    }
}
