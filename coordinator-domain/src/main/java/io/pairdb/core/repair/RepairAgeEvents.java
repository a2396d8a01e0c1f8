package io.pairdb.core.repair;

import java.time.Duration;
import java.util.Optional;

/** What {@link ReadRepairAge} reports at each read: the oldest unrepaired age, or that it could not be read. */
public interface RepairAgeEvents {
    /** How long the least recently repaired range of any tenant has gone unrepaired; empty without tenants. */
    void oldestUnrepaired(Optional<Duration> age);

    /** The stores could not be read; the age is unknown until they are. */
    void unreadable(String why);
}
