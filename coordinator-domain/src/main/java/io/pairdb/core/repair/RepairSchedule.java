package io.pairdb.core.repair;

import java.time.Duration;
import java.util.Objects;

/**
 * How the scheduled anti-entropy repair runs.
 *
 * @param period         every range of every tenant is due for repair this long after its last
 *                       repair began; {@link Duration#ZERO} turns the schedule off
 * @param claimLease     how long a coordinator's claim on a tenant lasts without renewal (it renews
 *                       before each range)
 * @param bytesPerSecond the cap on what one coordinator's scheduled repairs move, read and written
 *                       together; 0 for none
 */
public record RepairSchedule(Duration period, Duration claimLease, long bytesPerSecond) {
    public RepairSchedule {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(claimLease, "claimLease");
        if (period.isNegative()) {
            throw new IllegalArgumentException("the repair period must be 0 (off) or positive, not " + period);
        }
        if (!claimLease.isPositive()) {
            throw new IllegalArgumentException("a repair claim's lease must be positive, not " + claimLease);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the repair throughput must be 0 (unlimited) or more bytes per second, not "
                    + bytesPerSecond);
        }
    }

    public boolean enabled() {
        return period.isPositive();
    }
}
