package io.pairdb.core.port;

import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Health probes of storage nodes (the storage contract's {@code Health} call), for the failure
 * detector. Thread-safe; never blocks the caller. Idempotent.
 */
public interface StorageHealth {
    /**
     * Completes normally when the node answers that it is serving. Fails with
     * {@link io.pairdb.core.PairDbException} when it cannot be reached, answers that it is not
     * serving, or does not answer within {@code timeout}.
     */
    CompletableFuture<Void> probe(StorageNode node, Duration timeout);

    /**
     * How many keys the node holds, as its health answer reports them (all tenants, tombstones
     * included): for estimates only. Fails like {@link #probe}. Idempotent.
     */
    CompletableFuture<Long> keyCount(StorageNode node, Duration timeout);
}
