package io.pairdb.core.port;

import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Health probes of storage nodes (the storage contract's {@code Health} call), for the failure
 * detector. Thread-safe; never blocks the caller. Idempotent.
 */
public interface StorageHealth {
    /**
     * What a node says of itself: how many keys it holds (all tenants, tombstones included) and
     * how long it keeps a tombstone before purging it, if it says.
     */
    record Report(long keyCount, Optional<Duration> tombstoneGcGrace) {
        public Report {
            Objects.requireNonNull(tombstoneGcGrace, "tombstoneGcGrace");
        }
    }

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

    /** The node's health answer: key count and tombstone gc grace. Fails like {@link #probe}. Idempotent. */
    CompletableFuture<Report> report(StorageNode node, Duration timeout);
}
