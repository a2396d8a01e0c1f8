package io.pairdb.adapters.repair;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.repair.RepairAgeEvents;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coordinator_repair_oldest_unrepaired_age_seconds}: how long the least recently repaired
 * range of any tenant has gone unrepaired, as {@code ReadRepairAge} last read it (the same on every
 * coordinator: aggregate with {@code max}; 0 without tenants; NaN until read and while PostgreSQL
 * cannot be read, with one WARN line saying why), beside {@code coordinator_repair_period_seconds}.
 */
public final class MicrometerRepairAge implements RepairAgeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerRepairAge.class);

    private volatile double oldestAgeSeconds = Double.NaN;
    private volatile boolean failing;

    /** @param period {@code pairdb.repair.period} (0: no schedule) */
    public MicrometerRepairAge(MeterRegistry registry, Duration period) {
        Objects.requireNonNull(registry, "registry");
        Gauge.builder("coordinator.repair.oldest.unrepaired.age", this, s -> s.oldestAgeSeconds)
                .description("How long the least recently repaired range of any tenant has gone unrepaired"
                        + " (a range never repaired counts from its tenant's creation)")
                .baseUnit("seconds").register(registry);
        double seconds = period.toMillis() / 1000.0;
        Gauge.builder("coordinator.repair.period", () -> seconds)
                .description("pairdb.repair.period: every range's repair is due this long after its last (0: off)")
                .baseUnit("seconds").register(registry);
    }

    @Override
    public void oldestUnrepaired(Optional<Duration> age) {
        oldestAgeSeconds = age.map(d -> d.toMillis() / 1000.0).orElse(0.0);
        failing = false;
    }

    @Override
    public void unreadable(String why) {
        oldestAgeSeconds = Double.NaN;
        if (!failing) {
            LOG.atWarn().addKeyValue("event", "repair_age_unavailable")
                    .log("the oldest unrepaired age is NaN until PostgreSQL can be read: {}", why);
        }
        failing = true;
    }
}
