package io.pairdb.app.hints;

import io.pairdb.core.Futures;
import io.pairdb.core.hints.DropReason;
import io.pairdb.core.hints.ReplayReport;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per hint replay run that did something or stopped early, whoever started it.
 * Drops and early stops are WARN: drops are writes a replica will miss until it is repaired.
 */
public final class HintReplayLog {
    private static final Logger LOG = LoggerFactory.getLogger(HintReplayLog.class);

    private HintReplayLog() {
    }

    static void ended(ReplayReport report) {
        boolean drained = report.ending() == ReplayReport.Ending.DRAINED;
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

    /** For {@code whenComplete}: a run that ended by throwing is a bug, and must not go unnoticed. */
    public static void failedIfSo(Object ignored, Throwable error) {
        Throwable cause = Futures.cause(error);
        if (cause instanceof RejectedExecutionException) {
            // the scheduler stopped with the coordinator; claims left behind expire with their lease
            LOG.debug("hint replay stopped by shutdown");
        } else if (error != null) {
            LOG.atError().addKeyValue("event", "hint_replay_failed").setCause(error).log("hint replay failed");
        }
    }

    private static String reasons(Map<DropReason, Long> dropped) {
        String reasons = dropped.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return reasons.isEmpty() ? "" : " (" + reasons + ")";
    }
}
