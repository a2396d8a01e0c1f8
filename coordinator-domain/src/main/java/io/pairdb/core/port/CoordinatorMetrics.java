package io.pairdb.core.port;

import io.pairdb.core.replication.ConsistencyLevel;
import java.time.Duration;

/** What the core reports; Micrometer lives in an adapter. Thread-safe; never throws. */
public interface CoordinatorMetrics {
    enum Operation { WRITE, READ, DELETE }

    void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed);

    void tenantCacheHit();

    void tenantCacheMiss();

    void conflictDetected();

    void repairTriggered();

    void repairDropped();

    void quorumFailure(Operation operation);

    void hintStored();

    void hintStoreFailed();

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
        public void hintStoreFailed() {
        }
    };
}
