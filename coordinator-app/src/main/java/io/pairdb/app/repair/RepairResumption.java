package io.pairdb.app.repair;

import io.micronaut.context.annotation.Context;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pairdb.app.config.RepairProperties;
import io.pairdb.core.PairDbException;
import io.pairdb.core.repair.RepairTenants;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code pairdb.repair.resume-interval}, from the moment this coordinator serves requests,
 * takes over the repair runs whose coordinator died (their lease ran out while RUNNING) and
 * finishes them from the ranges they had not recorded. When this coordinator shuts down, its own
 * runs are handed over the same way, their lease given up at once. A run taken over may take
 * hours, so it runs on a thread of its own, not on the scheduler's (which other tasks share); one
 * look at a time.
 */
@Context
public class RepairResumption {
    private static final Logger LOG = LoggerFactory.getLogger(RepairResumption.class);

    private final RepairTenants repair;
    private final LongLooks looks = new LongLooks("repair-resume");

    public RepairResumption(RepairTenants repair, RepairProperties properties) {
        positive("pairdb.repair.resume-interval", properties.getResumeInterval());
        this.repair = repair;
    }

    @EventListener
    void serving(ServerStartupEvent event) {
        looks.serving(true);
    }

    @EventListener
    void shuttingDown(ShutdownEvent event) {
        looks.serving(false);
        repair.stop();
    }

    @Scheduled(fixedDelay = "${pairdb.repair.resume-interval:30s}", initialDelay = "${pairdb.repair.resume-interval:30s}")
    void resume() {
        looks.offer(this::resumeNow);
    }

    @PreDestroy
    void close() {
        repair.stop();
        looks.close();
    }

    private void resumeNow() {
        try {
            for (RepairTenants.Resumed resumed : repair.resumeAbandoned()) {
                String how = switch (resumed.outcome()) {
                    case RepairTenants.Outcome.Done done -> "finished: " + done.total().keysDiffering()
                            + " keys differed here, " + done.total().entriesWritten() + " repair writes";
                    case RepairTenants.Outcome.TopologyChanged changed -> "stopped: the ring moved (epoch "
                            + changed.startedAtEpoch() + " -> " + changed.nowAtEpoch() + "); run the repair again";
                    case RepairTenants.Outcome.LeaseLost lost -> "stopped: its lease ran out here too";
                    case RepairTenants.Outcome.HandedOver handed -> "handed over again: this coordinator is stopping";
                    default -> resumed.outcome().toString();
                };
                LOG.atInfo().addKeyValue("event", "repair_resumed").addKeyValue("run_id", resumed.run().id())
                        .addKeyValue("ranges_done_before", resumed.run().rangesDone())
                        .addKeyValue("ranges_total", resumed.run().rangesTotal())
                        .log("repair run {} ({}) taken over at {} of {} ranges, {}", resumed.run().id(),
                                resumed.run().scope(), resumed.run().rangesDone(), resumed.run().rangesTotal(), how);
            }
        } catch (PairDbException e) {
            LOG.atWarn().addKeyValue("event", "repair_resume_failed").log("resuming repair runs failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("event", "repair_resume_failed").setCause(e).log("resuming repair runs failed");
        }
    }
}
