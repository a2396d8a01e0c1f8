package io.pairdb.core.topology;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Whether a node answers its health probe, bounded by the health timeout: what decides that a
 * removal is forced (the node is no source), and what a forced removal asks again before it
 * streams. Blocks for at most about the timeout. Thread-safe.
 */
final class NodeProbe {
    private final StorageHealth health;
    private final Scheduler scheduler;
    private final Duration timeout;

    NodeProbe(StorageHealth health, Scheduler scheduler, Duration timeout) {
        this.health = Objects.requireNonNull(health, "health");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Why the node counts as down, or empty when it answers its health probe. */
    Optional<String> whyDown(StorageNode node) {
        try {
            Timeouts.bound(scheduler, Futures.started(() -> health.probe(node, timeout)), timeout,
                    () -> new PairDbException("node " + node.id(), "no health answer within " + timeout)).get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairDbException("node " + node.id(), "interrupted while probing node " + node.id(), e);
        }
    }
}
