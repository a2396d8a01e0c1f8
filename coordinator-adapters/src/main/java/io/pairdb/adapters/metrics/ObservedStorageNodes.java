package io.pairdb.adapters.metrics;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pairdb.core.Futures;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every call to a storage node and counts the failures by gRPC code, per node and call
 * ({@code coordinator_replica_call_duration_seconds{node,call}},
 * {@code coordinator_replica_call_errors_total{node,call,code}}). A failed read repair is also
 * logged here, because the core drops it silently by design (the next read finds the replica
 * stale again).
 */
public final class ObservedStorageNodes implements StorageNodes {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedStorageNodes.class);

    private final StorageNodes delegate;
    private final MeterRegistry registry;
    /** Per call name, per node: looked up on every call without building a key. */
    private final Map<String, Map<NodeId, Timer>> timers = new ConcurrentHashMap<>();

    public ObservedStorageNodes(StorageNodes delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                            Duration timeout) {
        return observe(node, "write", () -> delegate.write(node, tenant, key, token, version, timeout));
    }

    @Override
    public CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout) {
        return observe(node, "read", () -> delegate.read(node, tenant, key, timeout));
    }

    @Override
    public CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                             Duration timeout) {
        return observe(node, "repair", () -> delegate.repair(node, tenant, key, token, version, timeout))
                .whenComplete((applied, error) -> {
                    if (error != null) {
                        LOG.atWarn().addKeyValue("event", "repair_failed").addKeyValue("node", node.id().value())
                                .addKeyValue("tenant", tenant.value()).addKeyValue("key", key)
                                .addKeyValue("code", code(error))
                                .log("read repair of {}/{} on node {} failed ({}); the next read of the key retries it",
                                        tenant.value(), key, node.id().value(), code(error));
                    }
                });
    }

    private <T> CompletableFuture<T> observe(StorageNode node, String call, Supplier<CompletableFuture<T>> rpc) {
        long started = System.nanoTime();
        CompletableFuture<T> pending = Futures.started(rpc);
        return pending.whenComplete((result, error) -> {
            timer(node, call).record(Duration.ofNanos(System.nanoTime() - started));
            if (error != null) {
                Counter.builder("coordinator.replica.call.errors")
                        .description("Failed calls to storage nodes, by gRPC status code")
                        .tag("node", node.id().value()).tag("call", call).tag("code", code(error))
                        .register(registry).increment();
            }
        });
    }

    private Timer timer(StorageNode node, String call) {
        return timers.computeIfAbsent(call, c -> new ConcurrentHashMap<>()).computeIfAbsent(node.id(),
                id -> Timer.builder("coordinator.replica.call.duration")
                .description("Latency of calls to storage nodes, failures included")
                .tag("node", node.id().value()).tag("call", call)
                .serviceLevelObjectives(MicrometerRequestEvents.LATENCY_BUCKETS)
                .register(registry));
    }

    /** The gRPC status code of a failed call (the storage client keeps the gRPC error as the cause). */
    static String code(Throwable error) {
        Throwable cause = Futures.cause(error);
        return Status.fromThrowable(cause).getCode().name();
    }
}
