package io.pairdb.core.replication;

import java.time.Duration;

/**
 * What the data path reports: each request's outcome and time, quorums not reached, conflicts met
 * and read repairs sent, speculative reads, hints stored for replicas a write missed, and
 * idempotency records lost. One adapter records them as metrics (and logs what an operator must
 * hear about). Thread-safe; never throws.
 */
public interface RequestEvents {
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

    RequestEvents NONE = new RequestEvents() {
        @Override
        public void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed) {
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
