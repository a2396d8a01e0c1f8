package io.pairdb.core.repair;

import io.pairdb.core.PairDbException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads how long the least recently repaired range of any tenant has gone unrepaired, for the gauge
 * every coordinator shows of it; run on an interval, not at each scrape.
 */
public final class ReadRepairAge {
    private final RepairDueTenants schedule;
    private final RepairAgeEvents events;

    public ReadRepairAge(RepairDueTenants schedule, RepairAgeEvents events) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Reads the age and reports it, or that the stores could not be read. */
    public void refresh() {
        Optional<Duration> oldest;
        try {
            oldest = schedule.oldestUnrepaired();
        } catch (PairDbException e) {
            events.unreadable(e.getMessage());
            return;
        }
        events.oldestUnrepaired(oldest);
    }
}
