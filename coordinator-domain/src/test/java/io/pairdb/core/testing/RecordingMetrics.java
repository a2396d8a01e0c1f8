package io.pairdb.core.testing;

import io.pairdb.core.port.CoordinatorMetrics;
import io.pairdb.core.replication.ConsistencyLevel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the core reports, so tests can assert on it. */
public final class RecordingMetrics implements CoordinatorMetrics {
    public record Completed(Operation operation, ConsistencyLevel consistency, String status) {
    }

    public final AtomicInteger tenantCacheHits = new AtomicInteger();
    public final AtomicInteger tenantCacheMisses = new AtomicInteger();
    public final AtomicInteger conflicts = new AtomicInteger();
    public final AtomicInteger repairsTriggered = new AtomicInteger();
    public final AtomicInteger repairsDropped = new AtomicInteger();
    public final AtomicInteger quorumFailures = new AtomicInteger();
    public final AtomicInteger hintsStored = new AtomicInteger();
    public final AtomicInteger hintStoreFailures = new AtomicInteger();
    /** Hint stores not even started because too many were running already. */
    public final AtomicInteger hintStoresRefused = new AtomicInteger();
    /** Idempotency records (or releases) that could not be stored after the write ran. */
    public final AtomicInteger idempotencyRecordFailures = new AtomicInteger();
    public final AtomicInteger speculationsSent = new AtomicInteger();
    public final AtomicInteger speculationsWon = new AtomicInteger();
    private final List<Completed> completed = new CopyOnWriteArrayList<>();

    public List<Completed> completed() {
        return List.copyOf(completed);
    }

    @Override
    public void requestCompleted(Operation operation, ConsistencyLevel consistency, String status, Duration elapsed) {
        completed.add(new Completed(operation, consistency, status));
    }

    @Override
    public void tenantCacheHit() {
        tenantCacheHits.incrementAndGet();
    }

    @Override
    public void tenantCacheMiss() {
        tenantCacheMisses.incrementAndGet();
    }

    @Override
    public void conflictDetected() {
        conflicts.incrementAndGet();
    }

    @Override
    public void repairTriggered() {
        repairsTriggered.incrementAndGet();
    }

    @Override
    public void repairDropped() {
        repairsDropped.incrementAndGet();
    }

    @Override
    public void quorumFailure(Operation operation) {
        quorumFailures.incrementAndGet();
    }

    @Override
    public void hintStored() {
        hintsStored.incrementAndGet();
    }

    @Override
    public void hintStoreFailed(HintStoreFailure reason) {
        hintStoreFailures.incrementAndGet();
        if (reason == HintStoreFailure.OVERLOADED) {
            hintStoresRefused.incrementAndGet();
        }
    }

    @Override
    public void idempotencyRecordFailed(String detail) {
        idempotencyRecordFailures.incrementAndGet();
    }

    @Override
    public void speculationSent() {
        speculationsSent.incrementAndGet();
    }

    @Override
    public void speculationWon() {
        speculationsWon.incrementAndGet();
    }
}
