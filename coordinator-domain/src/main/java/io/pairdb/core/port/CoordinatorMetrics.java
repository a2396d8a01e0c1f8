package io.pairdb.core.port;

import io.pairdb.core.replication.ConsistencyLevel;
import java.time.Duration;

/** What the core reports; Micrometer lives in an adapter. Thread-safe; never throws. */
public interface CoordinatorMetrics {
    enum Operation { WRITE, READ, DELETE }

    /** Why a hint was not stored. */
    enum HintStoreFailure {
        /** The store failed or could not be reached. */
        ERROR,
        /** The store had not finished when the request's deadline came (it may still finish later). */
        DEADLINE,
        /** Too many hint stores were running already; this one was never started. */
        OVERLOADED
    }

    void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed);

    void tenantCacheHit();

    void tenantCacheMiss();

    void conflictDetected();

    void repairTriggered();

    void repairDropped();

    void quorumFailure(Operation operation);

    void hintStored();

    /** A hint that was not stored: its replica misses the write until a read repairs it. */
    void hintStoreFailed(HintStoreFailure reason);

    /**
     * The idempotency record (or the release of the claim) of a write could not be stored after
     * the write ran; {@code detail} says why.
     */
    void idempotencyRecordFailed(String detail);

    /** A read round waited longer than its speculation policy for its quorum and asked a spare replica. */
    void speculationSent();

    /** A spare asked by speculation gave one of the answers that completed its round's quorum. */
    void speculationWon();

    CoordinatorMetrics NONE = new CoordinatorMetrics() {
        @Override
        public void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed) {
        }

        @Override
        public void tenantCacheHit() {
        }

        @Override
        public void tenantCacheMiss() {
        }

        @Override
        public void conflictDetected() {
        }

        @Override
        public void repairTriggered() {
        }

        @Override
        public void repairDropped() {
        }

        @Override
        public void quorumFailure(Operation operation) {
        }

        @Override
        public void hintStored() {
        }

        @Override
        public void hintStoreFailed(HintStoreFailure reason) {
        }

        @Override
        public void idempotencyRecordFailed(String detail) {
        }

        @Override
        public void speculationSent() {
        }

        @Override
        public void speculationWon() {
        }
    };
}
