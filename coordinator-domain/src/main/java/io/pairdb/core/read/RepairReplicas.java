package io.pairdb.core.read;

import io.pairdb.core.Futures;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Read repair: sends the resolved version to every replica that answered with something
 * else (older, a losing concurrent version, or nothing). At most one background repair per key
 * is in flight and at most {@code maxRepairsInFlight} overall; repairs beyond that are dropped
 * and counted (the next read of the key repairs it again). A repair a read waits for before it
 * answers ({@link #repairBeforeAnswering}) is never dropped.
 */
public final class RepairReplicas {
    private final StorageNodes nodes;
    private final Environment env;
    private final Set<String> keysInFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();

    public RepairReplicas(StorageNodes nodes, Environment env) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Replicas whose answer differs from the resolved version. */
    public static List<StorageNode> stale(Map<StorageNode, Optional<Version>> answers, Version resolved) {
        List<StorageNode> stale = new ArrayList<>();
        answers.forEach((node, version) -> {
            if (version.isEmpty() || !version.get().equals(resolved)) {
                stale.add(node);
            }
        });
        return stale;
    }

    /** Repairs the stale replicas; completes when every repair call has ended (or was dropped). */
    public CompletableFuture<Void> repair(TenantId tenant, String key, Version resolved, List<StorageNode> staleReplicas) {
        return repair(tenant, key, resolved, staleReplicas, env.settings().readTimeout());
    }

    /** Like {@link #repair(TenantId, String, Version, List)}, each call bounded by {@code timeout}. */
    public CompletableFuture<Void> repair(TenantId tenant, String key, Version resolved, List<StorageNode> staleReplicas,
                                          Duration timeout) {
        if (staleReplicas.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String keyId = tenant.value() + ":" + key;
        if (!keysInFlight.add(keyId)) {
            env.events().repairDropped();
            return CompletableFuture.completedFuture(null);
        }
        if (inFlight.incrementAndGet() > env.settings().maxRepairsInFlight()) {
            inFlight.decrementAndGet();
            keysInFlight.remove(keyId);
            env.events().repairDropped();
            return CompletableFuture.completedFuture(null);
        }
        return send(tenant, key, resolved, staleReplicas, timeout).<Void>thenApply(notRepaired -> null)
                .whenComplete((v, e) -> {
                    inFlight.decrementAndGet();
                    keysInFlight.remove(keyId);
                });
    }

    /**
     * The repair of the replicas a read answers from, which the read waits for (blocking read
     * repair): sent even while another repair of the key is in flight (it may be repairing other
     * replicas, and the read must not answer from one still stale) and whatever the number in
     * flight (each read waits for its own, so the reads in flight bound them).
     */
    public CompletableFuture<Set<StorageNode>> repairBeforeAnswering(TenantId tenant, String key, Version resolved,
                                                                     List<StorageNode> staleReplicas, Duration timeout) {
        return staleReplicas.isEmpty() ? CompletableFuture.completedFuture(Set.of())
                : send(tenant, key, resolved, staleReplicas, timeout);
    }

    /** Sends the repairs; completes, never exceptionally, with the replicas whose repair failed. */
    private CompletableFuture<Set<StorageNode>> send(TenantId tenant, String key, Version resolved,
                                                     List<StorageNode> staleReplicas, Duration timeout) {
        Token token = Token.forKey(tenant.value(), key);
        List<CompletableFuture<Optional<StorageNode>>> calls = new ArrayList<>();
        for (StorageNode node : staleReplicas) {
            env.events().repairTriggered();
            // a failed repair is not retried here: the next read of the key finds the replica stale again
            calls.add(Futures.started(() -> nodes.repair(node, tenant, key, token, resolved, timeout))
                    .handle((applied, error) -> error == null ? Optional.<StorageNode>empty() : Optional.of(node)));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(ignored -> calls.stream()
                .map(CompletableFuture::join).flatMap(Optional::stream).collect(Collectors.toUnmodifiableSet()));
    }
}
