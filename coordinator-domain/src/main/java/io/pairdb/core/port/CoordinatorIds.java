package io.pairdb.core.port;

import java.time.Duration;

/**
 * The shared pool of coordinator ids (the ids in vector clocks). Ids are few and reused: a
 * coordinator claims the lowest id nobody holds a lease on, so a rolling restart hands the
 * same ids to the new instances instead of growing every clock. Thread-safe; every method
 * throws {@link io.pairdb.core.PairDbException} when the store cannot be reached.
 */
public interface CoordinatorIds {
    enum Renewal { RENEWED, LOST }

    /**
     * Claims the lowest free id for {@code instance} (free: never leased, or its lease ran out),
     * creating a new one when every id is held. Not idempotent: each call claims an id.
     */
    String claim(String instance, Duration lease);

    /** Extends the lease; LOST when the lease ran out and another instance took the id. */
    Renewal renew(String id, String instance, Duration lease);

    /** Gives the id back at shutdown so the next instance can take it at once. Idempotent. */
    void release(String id, String instance);
}
