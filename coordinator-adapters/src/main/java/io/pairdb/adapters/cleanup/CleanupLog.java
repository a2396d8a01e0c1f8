package io.pairdb.adapters.cleanup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupEvents;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleanup outcomes as log events and counters: {@code coordinator_cleanup_ranges_total{outcome}},
 * {@code coordinator_cleanup_keys_deleted_total} and {@code coordinator_cleanup_forced_total}. A
 * skipped range is logged at each attempt (it is tried once per run), so an operator sees why a
 * cleanup does not finish. The backlog (ranges due, the oldest, repeated skips) is read from the
 * store by {@code ReadWorkInFlight} for the gauges of {@code MicrometerWorkInFlight}.
 */
public final class CleanupLog implements CleanupEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupLog.class);

    private final Counter deleted;
    private final Counter skipped;
    private final Counter kept;
    private final Counter keys;
    private final Counter forced;

    public CleanupLog(MeterRegistry registry) {
        deleted = ranges(registry, "deleted");
        skipped = ranges(registry, "skipped");
        kept = ranges(registry, "kept");
        keys = Counter.builder("coordinator.cleanup.keys.deleted").description("Entries deleted from former owners")
                .register(registry);
        forced = Counter.builder("coordinator.cleanup.forced")
                .description("Cleanups forced through this coordinator (pairdb-admin cleanup force)").register(registry);
    }

    private static Counter ranges(MeterRegistry registry, String outcome) {
        return Counter.builder("coordinator.cleanup.ranges").description("Ranges cleaned up after topology changes")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void attempted(RangeCleanup range, CleanupOutcome outcome) {
        var release = range.release();
        switch (outcome) {
            case CleanupOutcome.Deleted d -> {
                deleted.increment();
                keys.increment(d.keys());
                LOG.atDebug().addKeyValue("event", "cleanup_range_deleted").addKeyValue("change_id", range.change().value())
                        .addKeyValue("node_id", release.node().value()).addKeyValue("keys", d.keys())
                        .log("deleted {} entries of range {} from {}", d.keys(), release.range(), release.node());
            }
            case CleanupOutcome.Skipped s -> {
                skipped.increment();
                LOG.atInfo().addKeyValue("event", "cleanup_range_skipped").addKeyValue("change_id", range.change().value())
                        .addKeyValue("node_id", release.node().value()).addKeyValue("reason", s.reason())
                        .log("kept range {} on {} for now: {}", release.range(), release.node(), s.reason());
            }
            case CleanupOutcome.Kept k -> kept.increment();
            case CleanupOutcome.Pending p -> {
            }
        }
    }

    @Override
    public void forced(ChangeCleanup cleanup, CleanupOrder order) {
        forced.increment();
        LOG.atWarn().addKeyValue("event", "cleanup_forced").addKeyValue("change_id", cleanup.change().value())
                .addKeyValue("requested_by", order.requestedBy()).addKeyValue("reason", order.reason())
                .log("cleanup of change {} forced by {}: {}", cleanup.change(), order.requestedBy(), order.reason());
    }
}
