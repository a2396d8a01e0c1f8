package io.pairdb.core.node;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How many keys storage nodes hold, as their health answers report them (every tenant,
 * tombstones included): figures for estimates and listings, never for decisions. The nodes are
 * asked in parallel, each bounded by the timeout, so the whole answer takes at most about that
 * long; a node that fails or does not answer in time is left out of the result. Thread-safe.
 */
public final class CountKeys {
    private final StorageHealth health;
    private final Scheduler scheduler;
    private final Duration timeout;

    public CountKeys(StorageHealth health, Scheduler scheduler, Duration timeout) {
        this.health = Objects.requireNonNull(health, "health");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("the key count timeout must be positive, was " + timeout);
        }
    }

    /** The key counts of the nodes that answered, by node. Blocks for at most about the timeout. */
    public Map<NodeId, Long> of(Collection<StorageNode> nodes) {
        Map<NodeId, CompletableFuture<Long>> asked = new LinkedHashMap<>();
        for (StorageNode n : nodes) {
            asked.put(n.id(), Timeouts.bound(scheduler, Futures.started(() -> health.keyCount(n, timeout)), timeout,
                    () -> new PairDbException("node " + n.id(), "no health answer within " + timeout)));
        }
        Map<NodeId, Long> counts = new HashMap<>();
        for (Map.Entry<NodeId, CompletableFuture<Long>> e : asked.entrySet()) {
            try {
                counts.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException unknown) {
                // a node that cannot say is unknown to the caller, not an error of the count
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new PairDbException("key count", "interrupted while asking nodes for their key counts", interrupted);
            }
        }
        return counts;
    }

    /**
     * The key counts of the nodes that can answer: those in the ring or joining it and not marked
     * DOWN (a DOWN node is not asked, so it cannot hold the answer up).
     */
    public Map<NodeId, Long> ofLiveNodes(Collection<StorageNode> nodes) {
        return of(nodes.stream().filter(n -> n.state() != NodeState.LEFT && n.liveness() == Liveness.UP).toList());
    }
}
