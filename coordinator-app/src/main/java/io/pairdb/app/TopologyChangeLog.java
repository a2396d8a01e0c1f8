package io.pairdb.app;

import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.topology.ChangeEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what happens to topology changes on this coordinator, one structured line per event,
 * and drops the hints of a node once its removal completed (they are counted as dropped: what
 * they carried reached the node's successors through streaming).
 */
@Singleton
public class TopologyChangeLog implements ChangeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyChangeLog.class);

    private final ReplayHints replayHints;

    public TopologyChangeLog(ReplayHints replayHints) {
        this.replayHints = replayHints;
    }

    @Override
    public void started(TopologyChange change) {
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
    public void awaitingEpoch(TopologyChange change, List<CoordinatorRegistry.Member> behind) {
        String who = behind.stream().map(m -> m.coordinatorId() + "@" + m.servedEpoch()).collect(Collectors.joining(", "));
        LOG.atInfo().addKeyValue("event", "topology_change_awaiting_epoch").addKeyValue("change", change.id().value())
                .addKeyValue("ring_epoch", change.ringEpoch()).addKeyValue("behind", who)
                .log("change {} waits for coordinators to serve ring epoch {}: {}", change.id(), change.ringEpoch(), who);
    }

    @Override
    public void fenced(TopologyChange change) {
        LOG.atInfo().addKeyValue("event", "topology_change_fenced").addKeyValue("change", change.id().value())
                .addKeyValue("ring_epoch", change.ringEpoch())
                .log("change {}: every live coordinator serves ring epoch {}; streaming", change.id(), change.ringEpoch());
    }

    @Override
    public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
        LOG.atWarn().addKeyValue("event", "range_stream_failed").addKeyValue("change", change.id().value())
                .addKeyValue("stream", stream.index()).addKeyValue("range", stream.range().toString())
                .addKeyValue("target", stream.target().value()).addKeyValue("retry_in_ms", retryIn.toMillis())
                .log("change {}: stream {} of range {} to {} failed, retrying in {} ms: {}", change.id(), stream.index(),
                        stream.range(), stream.target(), retryIn.toMillis(), error);
    }

    @Override
    public void ended(TopologyChange change) {
        TopologyChange.Totals t = change.totals();
        var line = (change.status() == ChangeStatus.COMPLETED ? LOG.atInfo() : LOG.atError())
                .addKeyValue("event", "topology_change_ended").addKeyValue("change", change.id().value())
                .addKeyValue("status", change.status()).addKeyValue("subject", change.subject())
                .addKeyValue("keys", t.keys()).addKeyValue("bytes", t.bytes());
        change.error().ifPresent(e -> line.addKeyValue("error", e));
        line.log("change {} {}: {} of {}; {} keys ({} bytes) copied{}", change.id(), change.status(), change.type(),
                change.subject(), t.keys(), t.bytes(), change.error().map(e -> "; rolled back: " + e).orElse(""));
        if (change.type() == ChangeType.REMOVE_NODE && change.status() == ChangeStatus.COMPLETED) {
            // the node is LEFT: a replay run drops its hints, each counted as dropped (node left)
            replayHints.replay(change.node().orElseThrow()).whenComplete(HintReplayLog::failedIfSo);
        }
    }

    @Override
    public void leaseLost(ChangeId change) {
        LOG.atWarn().addKeyValue("event", "topology_change_lease_lost").addKeyValue("change", change.value())
                .log("change {} is driven by another coordinator now; stopped driving it here", change);
    }

    @Override
    public void stepFailed(ChangeId change, RuntimeException error) {
        LOG.atWarn().addKeyValue("event", "topology_change_step_failed").addKeyValue("change", change.value())
                .log("change {}: a step failed, retrying: {}", change, error.toString());
    }
}
