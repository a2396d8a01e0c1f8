package io.pairdb.app.repair;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.core.repair.ReadRepairAge;
import io.pairdb.core.repair.RepairDueTenants;
import io.pairdb.core.repair.RepairSchedule;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pairdb.app.PeriodicRound;

/**
 * The repair schedule's driver: every {@code pairdb.repair.schedule-interval}, from the moment this
 * coordinator serves requests, repairs the tenants due that no other coordinator claimed first
 * ({@link RepairDueTenants}), on a thread of its own (a tenant's repair may take hours); one look at
 * a time. Nothing is looked for while {@code pairdb.repair.period} is 0.
 *
 * <p>Every {@code pairdb.metrics.store-refresh-interval} it also reads the oldest unrepaired age, for
 * its gauge ({@code MicrometerRepairAge}).
 */
@Context
public class RepairScheduling {
    private static final Logger LOG = LoggerFactory.getLogger(RepairScheduling.class);

    private final RepairDueTenants schedule;
    private final boolean enabled;
    private final ReadRepairAge age;
    private final LongLooks looks = new LongLooks("repair-schedule");

    public RepairScheduling(RepairDueTenants schedule, RepairSchedule settings, ReadRepairAge age) {
        this.schedule = schedule;
        this.enabled = settings.enabled();
        this.age = age;
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
        age.refresh();
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
                            .addKeyValue("repaired_as_of", r.repairedAsOf().toString())
                            .log("scheduled repair of tenant {} complete: {} keys differed, {} repair writes;"
                                            + " its least recently repaired range is repaired as of {}",
                                    r.tenant(), r.report().keysDiffering(), r.report().entriesWritten(),
                                    r.repairedAsOf());
                    case RepairDueTenants.Scheduled.Incomplete i -> LOG.atWarn()
                            .addKeyValue("event", "scheduled_repair_incomplete").addKeyValue("tenant", i.tenant().value())
                            .log("scheduled repair of tenant {} incomplete, it stays due: {}", i.tenant(), i.why());
                }
            }
        });
    }
}
