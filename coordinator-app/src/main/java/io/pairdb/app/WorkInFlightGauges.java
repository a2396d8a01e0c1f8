package io.pairdb.app;

import io.micronaut.context.annotation.Context;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.PairDbException;
import io.pairdb.core.cleanup.CleanupSettings;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ChangesInFlight;
import io.pairdb.core.topology.StreamState;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the long-running work all coordinators share, read from PostgreSQL every
 * {@code pairdb.metrics.store-refresh-interval} rather than at scrape time, so however often
 * Prometheus scrapes, each coordinator reads the stores once per interval:
 *
 * <ul>
 *   <li>{@code coordinator_topology_changes_in_flight{type,state}} (state {@code waiting},
 *       {@code streaming}, {@code failing}), {@code coordinator_topology_change_ranges{state}}
 *       (the in-flight changes' range streams: {@code pending}, {@code streaming}, {@code done}),
 *       {@code coordinator_topology_streams_failing}, {@code coordinator_topology_oldest_change_age_seconds};</li>
 *   <li>{@code coordinator_cleanup_ranges_due{state}} ({@code pending}: never tried, {@code skipped}),
 *       {@code coordinator_cleanup_range_skips_max} (the most times a due range has been skipped),
 *       {@code coordinator_cleanup_oldest_due_seconds}.</li>
 * </ul>
 *
 * Every coordinator reports the same cluster-wide values: aggregate them with {@code max}, not
 * {@code sum}. Ages are computed at scrape time from the last read; 0 when nothing is in flight
 * or due. Until the first read, and while the stores cannot be read, every gauge is NaN: no alert
 * fires on stale figures. Not thread-safe beyond that: one scheduled task refreshes.
 */
@Context
public class WorkInFlightGauges {
    private static final Logger LOG = LoggerFactory.getLogger(WorkInFlightGauges.class);

    /** What the last read found; empty when it failed. */
    private record Snapshot(ChangesInFlight changes, CleanupStore.Backlog backlog) {
    }

    private final ChangeStore changes;
    private final CleanupStore cleanups;
    private final Clock clock;
    private final Duration gracePeriod;
    private volatile Optional<Snapshot> last = Optional.empty();
    private boolean failing;

    public WorkInFlightGauges(ChangeStore changes, CleanupStore cleanups, Clock clock, CleanupSettings cleanup,
                              MeterRegistry registry,
                              @Value("${pairdb.metrics.store-refresh-interval:30s}") Duration refreshInterval) {
        positive("pairdb.metrics.store-refresh-interval", refreshInterval);
        this.changes = changes;
        this.cleanups = cleanups;
        this.clock = clock;
        this.gracePeriod = cleanup.gracePeriod();
        for (ChangeType type : ChangeType.values()) {
            for (ChangesInFlight.Phase phase : ChangesInFlight.Phase.values()) {
                gauge(registry, "coordinator.topology.changes.in.flight",
                        "Topology changes in progress, by type and by how far their stored progress got",
                        s -> s.changes().count(type, phase), "type", lower(type), "state", lower(phase));
            }
        }
        for (StreamState state : StreamState.values()) {
            gauge(registry, "coordinator.topology.change.ranges",
                    "Range streams of the changes in progress: pending (not begun), streaming, done",
                    s -> s.changes().streams(state), "state", lower(state));
        }
        gauge(registry, "coordinator.topology.streams.failing",
                "Range streams of the changes in progress whose attempts keep failing", s -> s.changes().failingStreams());
        Gauge.builder("coordinator.topology.oldest.change.age", this, g -> g.secondsSince(s -> s.changes().oldestStartedAt()))
                .description("How long the oldest topology change in progress has been running (0 when none is)")
                .baseUnit("seconds").register(registry);
        gauge(registry, "coordinator.cleanup.ranges.due",
                "Released ranges due for cleanup and not done: never tried yet", s -> s.backlog().pending(),
                "state", "pending");
        gauge(registry, "coordinator.cleanup.ranges.due",
                "Released ranges due for cleanup and not done: skipped at their last attempt", s -> s.backlog().skipped(),
                "state", "skipped");
        gauge(registry, "coordinator.cleanup.range.skips.max",
                "The most times any range still due for cleanup has been skipped", s -> s.backlog().mostSkips());
        Gauge.builder("coordinator.cleanup.oldest.due", this, g -> g.secondsSince(s -> s.backlog().oldestDueSince()))
                .description("How long the longest-waiting range due for cleanup has been due (0 when none is)")
                .baseUnit("seconds").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Snapshot> value,
                       String... tags) {
        Gauge.builder(name, this, g -> g.last.map(value::applyAsDouble).orElse(Double.NaN))
                .description(description).tags(tags).register(registry);
    }

    /** Seconds from the instant the snapshot names until now; 0 when it names none, NaN without a snapshot. */
    private double secondsSince(Function<Snapshot, Optional<Instant>> since) {
        return last.map(s -> since.apply(s).map(at -> Math.max(0, clock.nowMillis() - at.toEpochMilli()) / 1000.0)
                .orElse(0.0)).orElse(Double.NaN);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Scheduled(fixedDelay = "${pairdb.metrics.store-refresh-interval:30s}")
    void refresh() {
        try {
            last = Optional.of(new Snapshot(ChangesInFlight.of(changes.inProgress()),
                    cleanups.backlog(clock.now(), gracePeriod)));
            failing = false;
        } catch (PairDbException e) {
            last = Optional.empty();
            if (!failing) {
                LOG.atWarn().addKeyValue("event", "work_gauges_unavailable")
                        .log("topology change and cleanup gauges are NaN until PostgreSQL can be read: {}", e.getMessage());
            }
            failing = true;
        }
    }
}
