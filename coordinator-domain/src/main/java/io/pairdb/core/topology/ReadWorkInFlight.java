package io.pairdb.core.topology;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Reads the changes in progress and the cleanup backlog from the stores, for the gauges every
 * coordinator shows of them; run on an interval, so however often metrics are scraped each
 * coordinator reads the stores once per interval.
 */
public final class ReadWorkInFlight {
    private final ChangeStore changes;
    private final CleanupStore cleanups;
    private final Clock clock;
    private final Duration gracePeriod;
    private final WorkInFlightEvents events;

    /** @param gracePeriod how long after its change a released range becomes due for cleanup */
    public ReadWorkInFlight(ChangeStore changes, CleanupStore cleanups, Clock clock, Duration gracePeriod,
                            WorkInFlightEvents events) {
        this.changes = Objects.requireNonNull(changes, "changes");
        this.cleanups = Objects.requireNonNull(cleanups, "cleanups");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Reads both stores and reports what they hold, or that they could not be read. */
    public void refresh() {
        WorkInFlight work;
        try {
            work = new WorkInFlight(ChangesInFlight.of(changes.inProgress()), cleanups.backlog(clock.now(), gracePeriod));
        } catch (PairDbException e) {
            events.unreadable(e.getMessage());
            return;
        }
        events.read(work);
    }
}
