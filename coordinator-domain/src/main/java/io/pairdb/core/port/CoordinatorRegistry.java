package io.pairdb.core.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The running coordinators and the ring epoch each serves, kept by heartbeats in the shared
 * store (PostgreSQL). A topology change streams only once every live coordinator serves its
 * epoch. Heartbeat times are the store's own clock, so coordinators whose clocks disagree still
 * agree on who is live. Thread-safe; every method throws {@link io.pairdb.core.PairDbException}
 * when the store cannot be reached.
 */
public interface CoordinatorRegistry {
    /** A coordinator as last heard of. */
    record Member(String coordinatorId, long servedEpoch, Instant heartbeatAt) {
        public Member {
            Objects.requireNonNull(coordinatorId, "coordinatorId");
            Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        }
    }

    /**
     * Records that the coordinator is alive and serves {@code servedEpoch}, now. Idempotent.
     * Also forgets coordinators silent for more than a day, so crashed instances do not pile up.
     */
    void heartbeat(String coordinatorId, long servedEpoch);

    /** The coordinators heard from within {@code within} of now, by id. */
    List<Member> live(Duration within);

    /** Forgets the coordinator at once (an orderly shutdown). Idempotent. */
    void leave(String coordinatorId);
}
