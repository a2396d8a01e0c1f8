package io.pairdb.core.read;

import io.pairdb.core.OutcomeNames;
import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.RequestEvents.Operation;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Deadline;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.ReplicaQuorum;
import io.pairdb.core.replication.ReplicaReadRound;
import io.pairdb.core.replication.ReplicaReadRound.Replies;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Coordinates a read (DESIGN.md §6): tenant → natural replicas (bootstrapping nodes never
 * serve reads) → parallel reads → answer when CL replies are in → resolve → read repair of
 * every replica that answered with something else, including replies that arrive after the
 * client was answered. Repair runs in the background unless configured to block; then the
 * answer waits for the repair of the replies it is built from, not for slower replicas (their
 * replies are repaired in the background as they come).
 *
 * <p>The deadline starts when the request does: the tenant lookup, the replica reads and a
 * blocking repair all end by it.
 */
public final class CoordinateRead {
    private final TenantService tenants;
    private final ClusterTopology topology;
    private final StorageNodes nodes;
    private final RepairReplicas repairs;
    private final Environment env;

    public CoordinateRead(TenantService tenants, ClusterTopology topology, StorageNodes nodes, RepairReplicas repairs,
                          Environment env) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.repairs = Objects.requireNonNull(repairs, "repairs");
        this.env = Objects.requireNonNull(env, "env");
    }

    public CompletableFuture<ReadOutcome> execute(ReadCommand command) {
        long started = env.clock().nowMillis();
        Deadline deadline = Deadline.of(env.clock(), env.settings().readTimeout(), command.clientDeadline());
        // a coordinator that could not confirm its ring lately asks no replica
        CompletableFuture<ReadOutcome> outcome = topology.freshness() instanceof ClusterTopology.Freshness.Stale stale
                ? done(new ReadOutcome.TopologyStale(stale)) : Futures.started(() -> read(command, deadline));
        return outcome.whenComplete((o, error) -> env.events().requestCompleted(Operation.READ, command.consistency(),
                error != null ? "ERROR" : OutcomeNames.of(o), Duration.ofMillis(env.clock().nowMillis() - started)));
    }

    private CompletableFuture<ReadOutcome> read(ReadCommand command, Deadline deadline) {
        return deadline.bound(Futures.started(() -> tenants.findAsync(command.tenant(), env.scheduler())),
                        env.clock(), env.scheduler(), () -> new PairDbException("tenant " + command.tenant(),
                                "the tenant store did not answer within the request's deadline"))
                .thenCompose(tenant -> read(command, tenant, deadline));
    }

    private CompletableFuture<ReadOutcome> read(ReadCommand command, Optional<Tenant> tenant, Deadline deadline) {
        if (tenant.isEmpty()) {
            return done(new ReadOutcome.TenantNotFound(command.tenant()));
        }
        Token token = Token.forKey(command.tenant().value(), command.key());
        TopologyView ring = topology.current();
        Optional<ReplicaQuorum> replicas = ReplicaQuorum.of(ring, token, tenant.get(), command.consistency());
        if (replicas.isEmpty()) {
            env.events().quorumFailure(Operation.READ);
            return done(new ReadOutcome.Unavailable(command.consistency().required(tenant.get().replicationFactor()),
                    ring.currentNodeCount()));
        }
        ReplicaQuorum quorum = replicas.get();
        List<StorageNode> readable = quorum.replicas().stream().filter(n -> n.liveness() == Liveness.UP).toList();
        if (readable.size() < quorum.required()) {
            env.events().quorumFailure(Operation.READ);
            return done(new ReadOutcome.Unavailable(quorum.required(), readable.size()));
        }
        if (quorum.amongAlso(readable) < quorum.alsoRequired()) {
            env.events().quorumFailure(Operation.READ);
            return done(new ReadOutcome.Unavailable(quorum.alsoRequired(), (int) quorum.amongAlso(readable)));
        }
        ReplicaReadRound round = ReplicaReadRound.start(readable, quorum.required(), quorum.also(), nodes,
                command.tenant(), command.key(), deadline, env);
        round.settled().thenAccept(all -> {
            if (Resolution.hasConflict(all.versions())) {
                env.events().conflictDetected();
            }
        });
        if (env.settings().repairAsync()) {
            round.settled().thenCompose(all -> repair(command, all, Set.of(), env.settings().readTimeout()));
            return round.quorum().thenApply(replies -> answer(command, replies));
        }
        CompletableFuture<Blocked> repairedFirst = round.quorum().thenCompose(replies ->
                replies.status() != ReplicaReadRound.Status.REACHED
                        ? CompletableFuture.completedFuture(new Blocked(replies, Set.of()))
                        : deadline.bound(repairBeforeAnswering(command, replies, deadline.remaining(env.clock())),
                                        env.clock(), env.scheduler(), () -> new PairDbException(
                                                "tenant " + command.tenant(), "read repair did not finish in time"))
                                // not finished in time: any stale replica may still be stale
                                .handle((failed, error) -> new Blocked(replies, error == null ? failed
                                        : Set.copyOf(stale(replies, Set.of()).map(Stale::replicas).orElse(List.of())))));
        // replies that come after the answer are repaired once the first repair is done (one per key at a time)
        round.settled().thenCombine(repairedFirst, (all, first) -> repair(command, all, upToDate(first, all),
                env.settings().readTimeout())).thenCompose(repaired -> repaired);
        return repairedFirst.thenApply(first -> answer(command, first.replies()));
    }

    /** The quorum's replies, and the stale replicas among them whose blocking repair failed or did not end. */
    private record Blocked(Replies replies, Set<StorageNode> notRepaired) {
    }

    /**
     * The replicas the blocking repair left holding what {@code all} resolves to: every one that
     * answered the quorum, but those whose repair failed, if the quorum was reached and the later
     * replies resolve to the same version.
     */
    private static Set<StorageNode> upToDate(Blocked first, Replies all) {
        Replies quorum = first.replies();
        Optional<Version> resolved = Resolution.resolve(quorum.versions());
        if (quorum.status() != ReplicaReadRound.Status.REACHED || resolved.isEmpty()
                || !resolved.equals(Resolution.resolve(all.versions()))) {
            return Set.of();
        }
        Set<StorageNode> upToDate = new HashSet<>(quorum.answers().keySet());
        upToDate.removeAll(first.notRepaired());
        return upToDate;
    }

    private ReadOutcome answer(ReadCommand command, Replies replies) {
        return switch (replies.status()) {
            case FAILED -> {
                env.events().quorumFailure(Operation.READ);
                yield new ReadOutcome.QuorumNotReached(replies.required(), replies.answers().size(), replies.failures());
            }
            case TIMED_OUT -> {
                env.events().quorumFailure(Operation.READ);
                yield new ReadOutcome.TimedOut(replies.required(), replies.answers().size());
            }
            case REACHED -> {
                Optional<Version> resolved = Resolution.resolve(replies.versions());
                int count = replies.answers().size();
                yield resolved.filter(v -> !v.tombstone())
                        .<ReadOutcome>map(v -> new ReadOutcome.Found(v, count))
                        .orElseGet(() -> new ReadOutcome.NotFound(command.key(), count));
            }
        };
    }

    /**
     * Sends the resolved version to every replica of {@code replies} that answered something else; reads wait.
     * Completes with the replicas whose repair failed.
     */
    private CompletableFuture<Set<StorageNode>> repairBeforeAnswering(ReadCommand command, Replies replies,
                                                                      Duration timeout) {
        return stale(replies, Set.of()).map(stale -> repairs.repairBeforeAnswering(command.tenant(), command.key(),
                stale.resolved(), stale.replicas(), timeout)).orElse(CompletableFuture.completedFuture(Set.of()));
    }

    /** Sends the resolved version to every replica that answered something else, except {@code skip}. */
    private CompletableFuture<Void> repair(ReadCommand command, Replies replies, Set<StorageNode> skip,
                                           Duration timeout) {
        return stale(replies, skip).map(stale -> repairs.repair(command.tenant(), command.key(), stale.resolved(),
                stale.replicas(), timeout)).orElse(CompletableFuture.completedFuture(null));
    }

    /** What {@code replies} resolve to, and the replicas among them, but {@code skip}, that answered something else. */
    private record Stale(Version resolved, List<StorageNode> replicas) {
    }

    private static Optional<Stale> stale(Replies replies, Set<StorageNode> skip) {
        return Resolution.resolve(replies.versions()).map(resolved -> new Stale(resolved, RepairReplicas
                .stale(replies.answers(), resolved).stream().filter(node -> !skip.contains(node)).toList()));
    }

    private static CompletableFuture<ReadOutcome> done(ReadOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
