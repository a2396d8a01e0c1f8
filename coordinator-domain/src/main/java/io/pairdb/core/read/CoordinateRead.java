package io.pairdb.core.read;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.CoordinatorMetrics.Operation;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Deadline;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.ReplicaReadRound;
import io.pairdb.core.replication.ReplicaReadRound.Replies;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Coordinates a read (DESIGN.md §6): tenant → natural replicas (bootstrapping nodes never
 * serve reads) → parallel reads → answer when CL replies are in → resolve → read repair of
 * every replica that answered with something else, including replies that arrive after the
 * client was answered. Repair runs in the background unless configured to block.
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
        CompletableFuture<ReadOutcome> outcome;
        try {
            outcome = topology.freshness() instanceof ClusterTopology.Freshness.Stale stale
                    ? done(new ReadOutcome.TopologyStale(stale)) : read(command);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.whenComplete((o, error) -> env.metrics().requestCompleted(Operation.READ, command.consistency(),
                error != null ? "ERROR" : statusOf(o), Duration.ofMillis(env.clock().nowMillis() - started)));
    }

    private CompletableFuture<ReadOutcome> read(ReadCommand command) {
        return tenants.findAsync(command.tenant(), env.scheduler()).thenCompose(tenant -> read(command, tenant));
    }

    private CompletableFuture<ReadOutcome> read(ReadCommand command, Optional<Tenant> tenant) {
        if (tenant.isEmpty()) {
            return done(new ReadOutcome.TenantNotFound(command.tenant()));
        }
        int rf = tenant.get().replicationFactor();
        int required = command.consistency().required(rf);
        Token token = Token.forKey(command.tenant().value(), command.key());
        Optional<ReplicaSets> sets = topology.current().replicasFor(token, rf);
        if (sets.isEmpty()) {
            env.metrics().quorumFailure(Operation.READ);
            return done(new ReadOutcome.Unavailable(required, topology.current().currentNodeCount()));
        }
        List<StorageNode> readable = sets.get().natural().stream().filter(n -> n.liveness() == Liveness.UP).toList();
        if (readable.size() < required) {
            env.metrics().quorumFailure(Operation.READ);
            return done(new ReadOutcome.Unavailable(required, readable.size()));
        }
        Deadline deadline = Deadline.of(env.clock(), env.settings().readTimeout(), command.clientDeadline());
        ReplicaReadRound round = ReplicaReadRound.start(readable, required, nodes, command.tenant(), command.key(),
                deadline, env);
        CompletableFuture<ReadOutcome> answer = round.quorum().thenApply(replies -> answer(command, replies));
        CompletableFuture<Void> repaired = round.settled().thenCompose(all -> repairAfter(command, all));
        if (env.settings().repairAsync()) {
            return answer;
        }
        return answer.thenCombine(repaired.exceptionally(e -> null), (a, ignored) -> a);
    }

    private ReadOutcome answer(ReadCommand command, Replies replies) {
        return switch (replies.status()) {
            case FAILED -> {
                env.metrics().quorumFailure(Operation.READ);
                yield new ReadOutcome.QuorumNotReached(replies.required(), replies.answers().size(), replies.failures());
            }
            case TIMED_OUT -> {
                env.metrics().quorumFailure(Operation.READ);
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

    private CompletableFuture<Void> repairAfter(ReadCommand command, Replies all) {
        List<Version> versions = all.versions();
        Optional<Version> resolved = Resolution.resolve(versions);
        if (resolved.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (Resolution.hasConflict(versions)) {
            env.metrics().conflictDetected();
        }
        return repairs.repair(command.tenant(), command.key(), resolved.get(),
                RepairReplicas.stale(all.answers(), resolved.get()));
    }

    private static String statusOf(ReadOutcome o) {
        return switch (o) {
            case ReadOutcome.Found f -> "OK";
            case ReadOutcome.NotFound n -> "KEY_NOT_FOUND";
            case ReadOutcome.TenantNotFound t -> "TENANT_NOT_FOUND";
            case ReadOutcome.Unavailable u -> "UNAVAILABLE";
            case ReadOutcome.QuorumNotReached q -> "QUORUM_NOT_REACHED";
            case ReadOutcome.TimedOut t -> "TIMEOUT";
            case ReadOutcome.TopologyStale t -> "TOPOLOGY_STALE";
        };
    }

    private static CompletableFuture<ReadOutcome> done(ReadOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
