package io.pairdb.adapters.hints;

import io.pairdb.core.Futures;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the futures of the hint replay runs the coordinator starts: a run that ended by throwing is logged.
 * What a run did is reported through the core's {@code HintEvents} ({@code ObservedHints}).
 */
public final class HintReplayLog {
    private static final Logger LOG = LoggerFactory.getLogger(HintReplayLog.class);

    private HintReplayLog() {
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
}
