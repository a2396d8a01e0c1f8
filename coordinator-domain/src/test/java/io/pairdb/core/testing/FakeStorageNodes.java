package io.pairdb.core.testing;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.WritesRefusedException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Storage nodes held in memory, with the storage contract's conditional apply (DESIGN.md §5)
 * and per-node faults. Every call is recorded. Answers are given on the caller's thread
 * unless a node is held, in which case they are computed and given when it is released.
 */
public final class FakeStorageNodes implements StorageNodes, StorageHealth {
    public enum Kind { WRITE, READ, REPAIR, HEALTH }

    public record Call(Kind kind, NodeId node, TenantId tenant, String key) {
    }

    private record StoredKey(TenantId tenant, String key) {
    }

    private sealed interface Fault {
        record FailEveryCall() implements Fault {
        }

        record NeverAnswer() implements Fault {
        }

        record AnswerWhenReleased(CompletableFuture<Void> gate) implements Fault {
        }

        record FailReads() implements Fault {
        }

        record HoldRepairs(CompletableFuture<Void> gate) implements Fault {
        }

        record RefuseWrites() implements Fault {
        }
    }

    private final Map<NodeId, Map<StoredKey, Version>> data = new ConcurrentHashMap<>();
    private final Map<NodeId, Fault> faults = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Every call to the node fails, as if it could not be reached. */
    public void failEveryCall(NodeId node) {
        faults.put(node, new Fault.FailEveryCall());
    }

    /** Reads from the node fail; writes, repairs and probes succeed (an overloaded or half-broken node). */
    public void failReads(NodeId node) {
        faults.put(node, new Fault.FailReads());
    }

    /** Writes and repairs to the node are refused, as by a full disk; reads and probes succeed. */
    public void refuseWrites(NodeId node) {
        faults.put(node, new Fault.RefuseWrites());
    }

    /** Calls to the node never complete; only a deadline ends them. */
    public void neverAnswer(NodeId node) {
        faults.put(node, new Fault.NeverAnswer());
    }

    /**
     * Calls to the node are answered only once the returned gate is completed (the node is
     * slow); they are then served from what it holds at that moment, on the releasing thread.
     */
    public CompletableFuture<Void> hold(NodeId node) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        faults.put(node, new Fault.AnswerWhenReleased(gate));
        return gate;
    }

    /**
     * Repairs sent to the node are applied and answered only once the returned gate is completed, on
     * the releasing thread; its other calls are answered as usual.
     */
    public CompletableFuture<Void> holdRepairs(NodeId node) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        faults.put(node, new Fault.HoldRepairs(gate));
        return gate;
    }

    /** The node answers normally again (calls already held stay held until their gate opens). */
    public void heal(NodeId node) {
        faults.remove(node);
    }

    /** Overwrites what the node holds, bypassing conditional apply: for setting up stale or conflicting replicas. */
    public void put(NodeId node, TenantId tenant, String key, Version version) {
        replica(node).put(new StoredKey(tenant, key), version);
    }

    public Optional<Version> stored(NodeId node, TenantId tenant, String key) {
        return Optional.ofNullable(replica(node).get(new StoredKey(tenant, key)));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Kind kind) {
        return calls.stream().filter(c -> c.kind() == kind).toList();
    }

    public List<Call> callsTo(NodeId node) {
        return calls.stream().filter(c -> c.node().equals(node)).toList();
    }

    public void forgetCalls() {
        calls.clear();
    }

    @Override
    public CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                            Duration timeout) {
        calls.add(new Call(Kind.WRITE, node.id(), tenant, key));
        if (faults.get(node.id()) instanceof Fault.RefuseWrites) {
            return refused(node.id());
        }
        return answer(node.id(), () -> apply(node.id(), new StoredKey(tenant, key), version));
    }

    @Override
    public CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout) {
        calls.add(new Call(Kind.READ, node.id(), tenant, key));
        if (faults.get(node.id()) instanceof Fault.FailReads) {
            return CompletableFuture.failedFuture(new PairDbException(node.id().value(), "injected read failure of " + node.id()));
        }
        return answer(node.id(), () -> stored(node.id(), tenant, key));
    }

    @Override
    public CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token,
                                             Version version, Duration timeout) {
        calls.add(new Call(Kind.REPAIR, node.id(), tenant, key));
        if (faults.get(node.id()) instanceof Fault.RefuseWrites) {
            return refused(node.id());
        }
        if (faults.get(node.id()) instanceof Fault.HoldRepairs held) {
            return held.gate().thenApply(ignored -> apply(node.id(), new StoredKey(tenant, key), version));
        }
        return answer(node.id(), () -> apply(node.id(), new StoredKey(tenant, key), version));
    }

    @Override
    public CompletableFuture<Void> probe(StorageNode node, Duration timeout) {
        calls.add(new Call(Kind.HEALTH, node.id(), null, null));
        return answer(node.id(), () -> null);
    }

    private final Map<NodeId, Duration> gcGraces = new ConcurrentHashMap<>();

    /** The tombstone gc grace the node reports from now on (none is reported by default). */
    public void reportGcGrace(NodeId node, Duration grace) {
        gcGraces.put(node, grace);
    }

    @Override
    public CompletableFuture<Report> report(StorageNode node, Duration timeout) {
        calls.add(new Call(Kind.HEALTH, node.id(), null, null));
        return answer(node.id(), () -> new Report(replica(node.id()).size(),
                Optional.ofNullable(gcGraces.get(node.id()))));
    }

    /** The keys the node holds, tombstones included, like the storage contract's health answer. */
    @Override
    public CompletableFuture<Long> keyCount(StorageNode node, Duration timeout) {
        calls.add(new Call(Kind.HEALTH, node.id(), null, null));
        return answer(node.id(), () -> (long) replica(node.id()).size());
    }

    private <T> CompletableFuture<T> answer(NodeId node, Supplier<T> work) {
        Fault fault = faults.get(node);
        if (fault == null) {
            return CompletableFuture.completedFuture(work.get());
        }
        return switch (fault) {
            case Fault.FailEveryCall f ->
                    CompletableFuture.failedFuture(new PairDbException(node.value(), "injected failure of " + node));
            case Fault.NeverAnswer n -> new CompletableFuture<>();
            case Fault.AnswerWhenReleased held -> held.gate().thenApply(ignored -> work.get());
            case Fault.FailReads r -> CompletableFuture.completedFuture(work.get());
            case Fault.HoldRepairs r -> CompletableFuture.completedFuture(work.get());
            case Fault.RefuseWrites r -> CompletableFuture.completedFuture(work.get());
        };
    }

    private static <T> CompletableFuture<T> refused(NodeId node) {
        return CompletableFuture.failedFuture(new WritesRefusedException(node.value(), "DISK_FULL",
                "injected refusal of writes by " + node + ": its disk is full", null));
    }

    private Applied apply(NodeId node, StoredKey key, Version incoming) {
        Applied[] applied = new Applied[1];
        replica(node).compute(key, (k, existing) -> {
            if (existing == null) {
                applied[0] = Applied.APPLIED;
                return incoming;
            }
            return switch (incoming.clock().compare(existing.clock())) {
                case EQUAL, BEFORE -> {
                    applied[0] = Applied.IGNORED;
                    yield existing;
                }
                case AFTER -> {
                    applied[0] = Applied.APPLIED;
                    yield incoming;
                }
                case CONCURRENT -> {
                    applied[0] = Applied.MERGED;
                    yield Resolution.resolve(existing, incoming);
                }
            };
        });
        return applied[0];
    }

    private Map<StoredKey, Version> replica(NodeId node) {
        return data.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
    }
}
