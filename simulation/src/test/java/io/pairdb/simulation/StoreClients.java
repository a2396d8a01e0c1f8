package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.IdempotencyStore.UnsettledVersion;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.repair.RepairedRange;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One coordinator process's connections to PostgreSQL and Redis: every port call crosses the
 * {@link Network} (the caller waits, as a fiber, for the round trip) and meets the server's
 * {@link SharedStores.Health}. A call whose link is cut waits out the client's timeout and fails; a
 * call whose answer is lost on the way back fails after it took effect — the ports' contract ("a
 * call that threw may or may not have taken effect") is exercised both ways.
 */
final class StoreClients {
    /** How long a change's start statement waits when a tenant is created between its plan and its start. */
    private static final Duration START_WAIT = Duration.ofSeconds(3);
    /** How long a cleanup's marked delete waits when a change is asked for meanwhile. */
    private static final Duration DELETE_WAIT = Duration.ofSeconds(15);

    /** The Redis client's command timeout (the coordinator's default). */
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    private final World world;
    private final Kernel kernel;
    private final Kernel.Owner caller;
    private final String from;
    /** The calling coordinator's clock, to tell when something it timed happened. */
    private final io.pairdb.core.port.Clock clock;
    /** When each of this process's idempotency claims (storage key and owner) reached Redis. */
    private final Map<String, Long> claimedAt = new HashMap<>();

    StoreClients(World world, Kernel.Owner caller, String from, io.pairdb.core.port.Clock clock) {
        this.world = world;
        this.clock = clock;
        this.kernel = world.kernel();
        this.caller = caller;
        this.from = from;
    }

    // ---- PostgreSQL ---------------------------------------------------------------------------------

    private <T> T postgres(String what, Supplier<T> call) {
        SharedStores stores = world.stores();
        if (!world.network().connected(from, SharedStores.POSTGRES)) {
            kernel.sleep(Kernel.toMicros(world.config().postgresTimeout));
            throw failure(what, "no connection to PostgreSQL");
        }
        kernel.sleep(latency(stores.postgres));
        if (stores.postgres == SharedStores.Health.FAILING) {
            if (world.random().nextInt(10) == 0) {
                call.get();
                throw failure(what, "the connection broke after the statement committed");
            }
            throw failure(what, "PostgreSQL answered an error");
        }
        if (!world.network().connected(from, SharedStores.POSTGRES)) {
            throw failure(what, "no connection to PostgreSQL");
        }
        long epochBefore = stores.topology.epoch();
        T result = call.get();
        if (stores.topology.epoch() != epochBefore) {
            world.epochMoved();
        }
        kernel.sleep(latency(stores.postgres));
        if (!world.network().connected(from, SharedStores.POSTGRES)) {
            throw failure(what, "the connection to PostgreSQL broke before the answer");
        }
        return result;
    }

    private void postgresRun(String what, Runnable call) {
        postgres(what, () -> {
            call.run();
            return null;
        });
    }

    private long latency(SharedStores.Health health) {
        if (health == SharedStores.Health.SLOW) {
            if (world.config().slowStoreStalls && world.random().nextInt(8) == 0) {
                return 10_000_000 + world.random().nextLong(30_000_000);
            }
            return 50_000 + world.random().nextLong(world.random().nextInt(4) == 0 ? 3_000_000 : 300_000);
        }
        return world.network().delay();
    }

    private PairDbException failure(String what, String why) {
        world.trace().debug(from, () -> what + " failed: " + why);
        return new PairDbException("store", what + " failed: " + why);
    }

    // ---- Redis --------------------------------------------------------------------------------------

    private <T> CompletableFuture<T> redis(String what, Supplier<T> call) {
        SimFuture<T> answer = new SimFuture<>(kernel);
        kernel.after(REDIS_TIMEOUT, caller, "redis timeout", () -> {
            if (!answer.isDone()) {
                answer.completeExceptionally(failure(what, "Redis did not answer within " + REDIS_TIMEOUT.toMillis() + " ms"));
            }
        });
        SharedStores stores = world.stores();
        if (!world.network().connected(from, SharedStores.REDIS)) {
            return answer;
        }
        kernel.after(latency(stores.redis), kernel.world, "redis " + what, () -> {
            if (stores.redis == SharedStores.Health.FAILING) {
                boolean applied = world.random().nextInt(10) == 0;
                if (applied) {
                    call.get();
                }
                kernel.after(world.network().delay(), caller, "redis error", () -> answer.completeExceptionally(
                        failure(what, applied ? "the connection broke after the command ran" : "Redis answered an error")));
                return;
            }
            T result = call.get();
            kernel.after(latency(stores.redis), caller, "redis answer", () -> {
                if (world.network().connected(from, SharedStores.REDIS)) {
                    answer.complete(result);
                }
            });
        });
        return answer;
    }

    // ---- the ports ----------------------------------------------------------------------------------

    TopologyStore topology() {
        var store = world.stores().topology;
        return new TopologyStore() {
            @Override
            public Topology load() {
                return postgres("load the ring", store::load);
            }

            @Override
            public long epoch() {
                return postgres("read the ring epoch", store::epoch);
            }

            @Override
            public InsertOutcome insert(StorageNode node) {
                return postgres("insert node " + node.id(), () -> store.insert(node));
            }

            @Override
            public Optional<StorageNode> find(NodeId id) {
                return postgres("find node " + id, () -> store.find(id));
            }

            @Override
            public Optional<Long> update(StorageNode node) {
                return postgres("update node " + node.id(), () -> store.update(node));
            }
        };
    }

    TenantStore tenants() {
        var store = world.stores().tenants;
        return new TenantStore() {
            @Override
            public InsertOutcome insert(Tenant tenant) {
                return postgres("insert tenant " + tenant.id(), () -> store.insert(tenant));
            }

            @Override
            public InsertOutcome insertAt(Tenant tenant, long ringEpoch) {
                return postgres("insert tenant " + tenant.id() + " at epoch " + ringEpoch,
                        () -> store.insertAt(tenant, ringEpoch));
            }

            @Override
            public Optional<Tenant> find(TenantId id) {
                return postgres("find tenant " + id, () -> store.find(id));
            }

            @Override
            public List<Tenant> list() {
                return postgres("list tenants", store::list);
            }

            @Override
            public Optional<Tenant> update(Tenant updated, long expectedVersion) {
                return postgres("update tenant " + updated.id(), () -> store.update(updated, expectedVersion));
            }

            @Override
            public Optional<Tenant> updateAndBumpEpoch(Tenant updated, long expectedVersion) {
                return postgres("update tenant " + updated.id(), () -> store.updateAndBumpEpoch(updated, expectedVersion));
            }
        };
    }

    ChangeStore changes() {
        var store = world.stores().changes;
        return new ChangeStore() {
            @Override
            public Start start(TopologyChange change, List<RangeRelease> releases, StorageNode node, long expectedEpoch,
                               String owner, Duration lease) {
                Runnable meanwhile = change.type().concernsNode() ? world.takeBeforeNextNodeChangeStart() : null;
                if (meanwhile != null) {
                    world.trace().line(from, "start change " + change.id() + " waits " + START_WAIT.toSeconds()
                            + " s on a slow PostgreSQL, while the operator creates a tenant through another request");
                    meanwhile.run();
                    kernel.sleep(Kernel.toMicros(START_WAIT));
                }
                return postgres("start change " + change.id(), () -> {
                    Start started = store.start(change, releases, node, expectedEpoch, owner, lease);
                    if (change.force() && started instanceof Start.Started) {
                        // committed now, whether or not the answer reaches the operator
                        world.forcedOut(node.id());
                    }
                    return started;
                });
            }

            @Override
            public Start startReplication(TopologyChange change, List<RangeRelease> releases, Tenant tenant,
                                          long expectedTenantVersion, long expectedEpoch, String owner, Duration lease) {
                return postgres("start change " + change.id(), () -> store.startReplication(change, releases, tenant,
                        expectedTenantVersion, expectedEpoch, owner, lease));
            }

            @Override
            public Optional<TopologyChange> find(ChangeId id) {
                return postgres("find change " + id, () -> store.find(id));
            }

            @Override
            public List<TopologyChange> list(int limit) {
                return postgres("list changes", () -> store.list(limit));
            }

            @Override
            public List<TopologyChange> inProgress() {
                return postgres("list changes in progress", store::inProgress);
            }

            @Override
            public Optional<TopologyChange> claimAbandoned(String owner, Duration lease) {
                return postgres("claim abandoned changes", () -> store.claimAbandoned(owner, lease));
            }

            @Override
            public Held renew(ChangeId id, String owner, Duration lease) {
                return postgres("renew change " + id, () -> store.renew(id, owner, lease));
            }

            @Override
            public Held checkpoint(ChangeId id, String owner, List<RangeStream> streams, Instant at, Duration lease) {
                return postgres("checkpoint change " + id, () -> store.checkpoint(id, owner, streams, at, lease));
            }

            @Override
            public HandOver handOver(ChangeId id, String owner, NodeState nodeState, Instant at) {
                return postgres("hand change " + id + " over", () -> store.handOver(id, owner, nodeState, at));
            }

            @Override
            public Finish finish(ChangeId id, String owner, Optional<NodeState> nodeState, ChangeStatus status,
                                 Optional<String> error, List<RangeStream> streams, Instant at) {
                return postgres("finish change " + id,
                        () -> store.finish(id, owner, nodeState, status, error, streams, at));
            }
        };
    }

    CleanupStore cleanups() {
        var store = world.stores().cleanups;
        return new CleanupStore() {
            @Override
            public List<Claimed> claimDue(Instant completedBefore, Instant triedBefore, String owner, Duration lease,
                                          int limit) {
                return postgres("claim cleanups",
                        () -> store.claimDue(completedBefore, triedBefore, owner, lease, limit));
            }

            @Override
            public ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome,
                                           Instant at) {
                return postgres("record cleanup of " + change + "#" + index,
                        () -> store.record(change, index, owner, outcome, at));
            }

            @Override
            public Begin beginDelete(ChangeId change, int index, String owner, long epoch) {
                Begin begun = postgres("begin deleting " + change + "#" + index,
                        () -> store.beginDelete(change, index, owner, epoch));
                if (begun == Begin.BEGUN && world.slowDeleteWanted() && world.operator().giveBack(change)) {
                    world.slowDeleteTaken();
                    world.trace().line(from, "the delete of " + change + "#" + index + " waits "
                            + DELETE_WAIT.toSeconds() + " s on a slow PostgreSQL answer, while the operator asks for"
                            + " the change that gives its range back");
                    kernel.sleep(Kernel.toMicros(DELETE_WAIT));
                }
                return begun;
            }

            @Override
            public List<RangeCleanup> deleting() {
                return postgres("list ranges being deleted", store::deleting);
            }

            @Override
            public List<RangeCleanup> uncleaned(Collection<NodeId> nodes, Instant endedBefore) {
                return postgres("list ranges left uncleaned on " + nodes, () -> store.uncleaned(nodes, endedBefore));
            }

            @Override
            public Backlog backlog(Instant now, Duration gracePeriod) {
                return postgres("cleanup backlog", () -> store.backlog(now, gracePeriod));
            }

            @Override
            public Optional<ChangeCleanup> find(ChangeId change) {
                return postgres("find cleanup of " + change, () -> store.find(change));
            }

            @Override
            public Force force(ChangeId change, CleanupOrder order) {
                return postgres("force cleanup of " + change, () -> store.force(change, order));
            }
        };
    }

    RepairClaimStore repairClaims() {
        var store = world.stores().repairClaims;
        return new RepairClaimStore() {
            @Override
            public Map<TenantId, Instant> lastRepaired() {
                return postgres("read the repair schedule", store::lastRepaired);
            }

            @Override
            public Claim claim(TenantId tenant, String owner, Instant dueIfRepairedBefore, Duration lease) {
                return postgres("claim the repair of " + tenant,
                        () -> store.claim(tenant, owner, dueIfRepairedBefore, lease));
            }

            @Override
            public ChangeStore.Held renew(TenantId tenant, String owner, Duration lease) {
                return postgres("renew the repair claim on " + tenant, () -> store.renew(tenant, owner, lease));
            }

            @Override
            public ChangeStore.Held repaired(TenantId tenant, String owner, Instant repairedAsOf) {
                return postgres("record the repair of " + tenant, () -> store.repaired(tenant, owner, repairedAsOf));
            }

            @Override
            public void release(TenantId tenant, String owner) {
                postgresRun("release the repair claim on " + tenant, () -> store.release(tenant, owner));
            }
        };
    }

    RepairStore repairs() {
        var store = world.stores().repairs;
        return new RepairStore() {
            @Override
            public Begin begin(RepairRun run, String owner, Duration lease) {
                return postgres("begin repair", () -> store.begin(run, owner, lease));
            }

            @Override
            public ChangeStore.Held progress(String id, String owner, int rangesDone, long keysRepaired, long bytesMoved,
                                             Duration lease) {
                return postgres("record repair progress",
                        () -> store.progress(id, owner, rangesDone, keysRepaired, bytesMoved, lease));
            }

            @Override
            public ChangeStore.Held finish(String id, String owner, RepairRun.State state, int rangesDone,
                                           long keysRepaired, long bytesMoved, Instant at) {
                return postgres("finish repair",
                        () -> store.finish(id, owner, state, rangesDone, keysRepaired, bytesMoved, at));
            }

            @Override
            public ChangeStore.Held rangeDone(String id, String owner, RepairedRange range,
                                              Optional<Instant> repairedAsOf, long keysRepaired, long bytesMoved,
                                              Duration lease) {
                if (repairedAsOf.isPresent()) {
                    // the range is equal on all its replicas now, whether or not the record reaches the store, for
                    // what was acknowledged before its comparison began (as of then by the coordinator's clock)
                    long began = kernel.now() - (clock.nowMillis() - repairedAsOf.get().toEpochMilli()) * 1000;
                    world.history().rangeRepaired(range.tenant(), range.range(), began, kernel.now());
                }
                return postgres("record a repaired range",
                        () -> store.rangeDone(id, owner, range, repairedAsOf, keysRepaired, bytesMoved, lease));
            }

            @Override
            public Set<RepairedRange> rangesDone(String id) {
                return postgres("list repaired ranges", () -> store.rangesDone(id));
            }

            @Override
            public List<RangeRepairedAsOf> repairedRanges() {
                return postgres("read the repair history", store::repairedRanges);
            }

            @Override
            public int forgetRepairedRanges(List<RangeRepairedAsOf> entries) {
                return postgres("prune the repair history", () -> store.forgetRepairedRanges(entries));
            }

            @Override
            public List<RepairRun> abandoned() {
                return postgres("list abandoned repairs", store::abandoned);
            }

            @Override
            public TakeOver takeOver(String id, String owner, Duration lease, int rangesDone, int rangesTotal,
                                     Instant at) {
                return postgres("take over repair", () -> store.takeOver(id, owner, lease, rangesDone, rangesTotal, at));
            }

            @Override
            public Optional<RepairRun> find(String id) {
                return postgres("find repair", () -> store.find(id));
            }

            @Override
            public List<RepairRun> list(int limit) {
                return postgres("list repairs", () -> store.list(limit));
            }
        };
    }

    HintStore hints() {
        var store = world.stores().hints;
        return new HintStore() {
            @Override
            public void store(Hint hint) {
                world.history().issued(hint.tenant(), hint.key(), hint.version(), kernel.now());
                try {
                    postgresRun("store a hint for " + hint.target(), () -> store.store(hint));
                } catch (PairDbException e) {
                    world.stats().hintStoreFailures++;
                    world.trace().line(from, "a hint for " + hint.target() + " (" + hint.tenant() + "/" + hint.key()
                            + ") could not be stored");
                    throw e;
                }
            }

            @Override
            public List<Hint> pending(NodeId target, int limit) {
                return postgres("list hints", () -> store.pending(target, limit));
            }

            @Override
            public void delete(long hintId) {
                postgresRun("delete a hint", () -> store.delete(hintId));
            }

            @Override
            public void delete(Collection<Long> hintIds) {
                postgresRun("delete hints", () -> store.delete(hintIds));
            }

            @Override
            public long count(NodeId target) {
                return postgres("count hints", () -> store.count(target));
            }

            @Override
            public List<Hint> claim(NodeId target, int limit, String owner, Duration lease) {
                return postgres("claim hints for " + target, () -> store.claim(target, limit, owner, lease));
            }

            @Override
            public List<Hint> recordFailure(Collection<Long> hintIds, String owner) {
                return postgres("record hint failures", () -> store.recordFailure(hintIds, owner));
            }

            @Override
            public void release(Collection<Long> hintIds, String owner) {
                postgresRun("release hint claims", () -> store.release(hintIds, owner));
            }

            @Override
            public Map<NodeId, Long> expire(Instant cutoff, int limit) {
                return postgres("expire hints", () -> store.expire(cutoff, limit));
            }

            @Override
            public List<PendingHints> stats() {
                return postgres("hint stats", store::stats);
            }
        };
    }

    CoordinatorRegistry registry() {
        var store = world.stores().registry;
        return new CoordinatorRegistry() {
            @Override
            public void heartbeat(String coordinatorId, long servedEpoch) {
                postgresRun("heartbeat", () -> store.heartbeat(coordinatorId, servedEpoch));
            }

            @Override
            public List<Member> live(Duration within) {
                return postgres("list live coordinators", () -> store.live(within));
            }

            @Override
            public void leave(String coordinatorId) {
                postgresRun("leave", () -> store.leave(coordinatorId));
            }
        };
    }

    CoordinatorIds ids() {
        var store = world.stores().ids;
        return new CoordinatorIds() {
            @Override
            public String claim(String instance, Duration lease) {
                return postgres("claim a coordinator id", () -> {
                    String id = store.claim(instance, lease);
                    world.history().claimed(id, instance, kernel.now());
                    return id;
                });
            }

            @Override
            public Renewal renew(String id, String instance, Duration lease) {
                return postgres("renew coordinator id " + id, () -> store.renew(id, instance, lease));
            }

            @Override
            public void release(String id, String instance) {
                postgresRun("release coordinator id " + id, () -> store.release(id, instance));
            }
        };
    }

    IdempotencyStore idempotency() {
        var store = world.stores().idempotency;
        return new IdempotencyStore() {
            @Override
            public CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
                return redis("claim " + key.storageKey(), () -> {
                    Claim claim = store.claim(key, fingerprint, owner, ttl).join();
                    if (claim instanceof Claim.Claimed
                            || claim instanceof Claim.Unsettled unsettled && unsettled.fingerprint().equals(fingerprint)) {
                        claimedAt.put(key.storageKey() + "\n" + owner, kernel.now());
                    }
                    return claim;
                });
            }

            @Override
            public CompletableFuture<Boolean> complete(IdempotencyKey key, String owner, String fingerprint,
                                                       StoredResponse response, Duration ttl) {
                return redis("complete " + key.storageKey(), () -> {
                    boolean stored = store.complete(key, owner, fingerprint, response, ttl).join();
                    // A record that came after another request claimed the key is not stored: the README allows
                    // that when this process was paused since its claim, past its marker's life, so it does not
                    // count as recorded then. Refused without a pause (a wait that outlasted the marker) it
                    // does, and a second application of the key is a violation.
                    Long claimed = claimedAt.remove(key.storageKey() + "\n" + owner);
                    boolean heldUp = claimed != null && caller.resumedAt() >= claimed;
                    if (stored || !heldUp) {
                        world.history().recorded(key.storageKey(), kernel.now());
                    }
                    return stored;
                });
            }

            @Override
            public CompletableFuture<Void> release(IdempotencyKey key, String owner) {
                return redis("release " + key.storageKey(), () -> {
                    claimedAt.remove(key.storageKey() + "\n" + owner);
                    return store.release(key, owner).join();
                });
            }

            @Override
            public CompletableFuture<Void> unsettle(IdempotencyKey key, String owner, String fingerprint,
                                                    UnsettledVersion version, Duration ttl) {
                return redis("unsettle " + key.storageKey(), () -> {
                    claimedAt.remove(key.storageKey() + "\n" + owner);
                    return store.unsettle(key, owner, fingerprint, version, ttl).join();
                });
            }
        };
    }
}
