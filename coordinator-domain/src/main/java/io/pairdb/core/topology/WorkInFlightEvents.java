package io.pairdb.core.topology;

/** What {@link ReadWorkInFlight} reports at each read: what it found, or that the stores could not be read. */
public interface WorkInFlightEvents {
    /** The stores were read. */
    void read(WorkInFlight work);

    /** The stores could not be read; nothing is known of the work in flight until they are. */
    void unreadable(String why);
}
