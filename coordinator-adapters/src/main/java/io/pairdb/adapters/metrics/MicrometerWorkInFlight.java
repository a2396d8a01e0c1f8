package io.pairdb.adapters.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ChangesInFlight;
import io.pairdb.core.topology.StreamState;
import io.pairdb.core.topology.WorkInFlight;
import io.pairdb.core.topology.WorkInFlightEvents;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the long-running work all coordinators share, as {@code ReadWorkInFlight} last read it
 * (every {@code pairdb.metrics.store-refresh-interval}):
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
 * fires on stale figures (and one WARN line says why).
 */
public final class MicrometerWorkInFlight implements WorkInFlightEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerWorkInFlight.class);

    private final Clock clock;
    private volatile Optional<WorkInFlight> last = Optional.empty();
    private volatile boolean failing;

    public MicrometerWorkInFlight(MeterRegistry registry, Clock clock) {
        Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (ChangeType type : ChangeType.values()) {
            for (ChangesInFlight.Phase phase : ChangesInFlight.Phase.values()) {
                gauge(registry, "coordinator.topology.changes.in.flight",
                        "Topology changes in progress, by type and by how far their stored progress got",
                        w -> w.changes().count(type, phase), "type", lower(type), "state", lower(phase));
            }
        }
        for (StreamState state : StreamState.values()) {
            gauge(registry, "coordinator.topology.change.ranges",
                    "Range streams of the changes in progress: pending (not begun), streaming, done",
                    w -> w.changes().streams(state), "state", lower(state));
        }
        gauge(registry, "coordinator.topology.streams.failing",
                "Range streams of the changes in progress whose attempts keep failing", w -> w.changes().failingStreams());
        Gauge.builder("coordinator.topology.oldest.change.age", this, g -> g.secondsSince(w -> w.changes().oldestStartedAt()))
                .description("How long the oldest topology change in progress has been running (0 when none is)")
                .baseUnit("seconds").register(registry);
        gauge(registry, "coordinator.cleanup.ranges.due",
                "Released ranges due for cleanup and not done: never tried yet", w -> w.backlog().pending(),
                "state", "pending");
        gauge(registry, "coordinator.cleanup.ranges.due",
                "Released ranges due for cleanup and not done: skipped at their last attempt", w -> w.backlog().skipped(),
                "state", "skipped");
        gauge(registry, "coordinator.cleanup.range.skips.max",
                "The most times any range still due for cleanup has been skipped", w -> w.backlog().mostSkips());
        Gauge.builder("coordinator.cleanup.oldest.due", this, g -> g.secondsSince(w -> w.backlog().oldestDueSince()))
                .description("How long the longest-waiting range due for cleanup has been due (0 when none is)")
                .baseUnit("seconds").register(registry);
    }

    @Override
    public void read(WorkInFlight work) {
        last = Optional.of(work);
        failing = false;
    }

    @Override
    public void unreadable(String why) {
        last = Optional.empty();
        if (!failing) {
            LOG.atWarn().addKeyValue("event", "work_gauges_unavailable")
                    .log("topology change and cleanup gauges are NaN until PostgreSQL can be read: {}", why);
        }
        failing = true;
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<WorkInFlight> value,
                       String... tags) {
        Gauge.builder(name, this, g -> g.last.map(value::applyAsDouble).orElse(Double.NaN))
                .description(description).tags(tags).register(registry);
    }

    /** Seconds from the instant the last read names until now; 0 when it names none, NaN without a read. */
    private double secondsSince(Function<WorkInFlight, Optional<Instant>> since) {
        return last.map(w -> since.apply(w).map(at -> Math.max(0, clock.nowMillis() - at.toEpochMilli()) / 1000.0)
                .orElse(0.0)).orElse(Double.NaN);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
