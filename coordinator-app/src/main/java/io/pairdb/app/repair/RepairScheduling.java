package io.pairdb.app.repair;

import io.micronaut.context.annotation.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.PairDbException;
import io.pairdb.core.repair.RepairDueTenants;
import io.pairdb.core.repair.RepairSchedule;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * The repair schedule's driver: every {@code pairdb.repair.schedule-interval}, from the moment this
 * coordinator serves requests, repairs the tenants due that no other coordinator claimed first
 * ({@link RepairDueTenants}), on a thread of its own (a tenant's repair may take hours); one look at
 * a time. Nothing is looked for while {@code pairdb.repair.period} is 0.
 *
 * <p>Reports {@code coordinator_repair_oldest_unrepaired_age_seconds}, how long the tenant repaired
 * longest ago has gone without a complete repair (the same on every coordinator: aggregate with
 * {@code max}; 0 without tenants; NaN until read and while PostgreSQL cannot be read), refreshed
 * every {@code pairdb.metrics.store-refresh-interval}, and {@code coordinator_repair_period_seconds}.
 */
@Context
public class RepairScheduling {
    private static final Logger LOG = LoggerFactory.getLogger(RepairScheduling.class);

    private final RepairDueTenants schedule;
    private final boolean enabled;
    private final LongLooks looks = new LongLooks("repair-schedule");
    private volatile double oldestAgeSeconds = Double.NaN;
    private boolean gaugeFailing;

    public RepairScheduling(RepairDueTenants schedule, RepairSchedule settings, MeterRegistry registry) {
        this.schedule = schedule;
        this.enabled = settings.enabled();
        Gauge.builder("coordinator.repair.oldest.unrepaired.age", this, s -> s.oldestAgeSeconds)
                .description("How long the tenant repaired longest ago has gone without a complete repair"
                        + " (a tenant never repaired counts from its creation)")
                .baseUnit("seconds").register(registry);
        double period = settings.period().toMillis() / 1000.0;
        Gauge.builder("coordinator.repair.period", () -> period)
                .description("pairdb.repair.period: every tenant's repair is due this long after its last (0: off)")
                .baseUnit("seconds").register(registry);
    }

    @EventListener
    void serving(ServerStartupEvent event) {
        looks.serving(true);
    }

    @EventListener
    void shuttingDown(ShutdownEvent event) {
        looks.serving(false);
        schedule.stop();
    }

    @Scheduled(fixedDelay = "${pairdb.repair.schedule-interval:5m}", initialDelay = "${pairdb.repair.schedule-interval:5m}")
    void look() {
        if (enabled) {
            looks.offer(this::repairDue);
        }
    }

    @Scheduled(fixedDelay = "${pairdb.metrics.store-refresh-interval:30s}")
    void refreshAge() {
        try {
            Optional<Duration> oldest = schedule.oldestUnrepaired();
            oldestAgeSeconds = oldest.map(d -> d.toMillis() / 1000.0).orElse(0.0);
            gaugeFailing = false;
        } catch (PairDbException e) {
            oldestAgeSeconds = Double.NaN;
            if (!gaugeFailing) {
                LOG.atWarn().addKeyValue("event", "repair_age_unavailable")
                        .log("the oldest unrepaired age is NaN until PostgreSQL can be read: {}", e.getMessage());
            }
            gaugeFailing = true;
        }
    }

    @PreDestroy
    void close() {
        schedule.stop();
        looks.close();
    }

    private void repairDue() {
        PeriodicRound.run(LOG, "scheduled_repair_failed", "scheduled repair failed", () -> {
            for (RepairDueTenants.Scheduled done : schedule.repairDue()) {
                switch (done) {
                    case RepairDueTenants.Scheduled.Repaired r -> LOG.atInfo()
                            .addKeyValue("event", "scheduled_repair_done").addKeyValue("tenant", r.tenant().value())
                            .addKeyValue("keys_repaired", r.report().keysDiffering())
                            .addKeyValue("bytes_moved", r.report().bytesMoved())
                            .log("scheduled repair of tenant {} complete: {} keys differed, {} repair writes",
                                    r.tenant(), r.report().keysDiffering(), r.report().entriesWritten());
                    case RepairDueTenants.Scheduled.Incomplete i -> LOG.atWarn()
                            .addKeyValue("event", "scheduled_repair_incomplete").addKeyValue("tenant", i.tenant().value())
                            .log("scheduled repair of tenant {} incomplete, it stays due: {}", i.tenant(), i.why());
                }
            }
        });
    }
}
