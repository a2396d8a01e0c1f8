package io.pairdb.storage.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of storage calls that reached the data (calls failed by a fault are not counted).
 * Writes count versions: one per Write or Delete, one per WriteBatch entry.
 */
public final class CallCounts {

    private final LongAdder writes = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder repairs = new LongAdder();

    public long writes() {
        return writes.sum();
    }

    public long reads() {
        return reads.sum();
    }

    public long repairs() {
        return repairs.sum();
    }

    public void recordWrites(int versions) {
        writes.add(versions);
    }

    public void recordRead() {
        reads.increment();
    }

    public void recordRepair() {
        repairs.increment();
    }
}
