package io.pairdb.core.testing;

import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.RequestEvents;
import io.pairdb.core.tenant.TenantEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the data path and the tenant lookups report, so tests can assert on it. */
public final class RecordingEvents implements RequestEvents, TenantEvents {
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
    public void cacheHit() {
        tenantCacheHits.incrementAndGet();
    }

    @Override
    public void cacheMiss() {
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
