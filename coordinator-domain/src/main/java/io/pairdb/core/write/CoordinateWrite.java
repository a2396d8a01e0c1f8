package io.pairdb.core.write;

import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.CoordinatorMetrics.Operation;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.Deadline;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.ReplicaReadRound;
import io.pairdb.core.replication.ReplicaWriteRound;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Coordinates a write or delete (DESIGN.md §6): idempotency claim → tenant → replica sets →
 * new version (read-modify-write, or the client's causal context) → parallel writes to
 * natural and pending replicas → answer at CL + |pending| acknowledgements → idempotency record.
 */
public final class CoordinateWrite {
    private final TenantService tenants;
    private final ClusterTopology topology;
    private final StorageNodes nodes;
    private final IdempotencyStore idempotency;
    private final HintStore hints;
    private final ClockIssuer clocks;
    private final Environment env;
    private static final int SPECULATION_DIVISOR = 10;

    private final Duration claimTtl;
    private final AtomicLong generatedKeys = new AtomicLong();

    public CoordinateWrite(TenantService tenants, ClusterTopology topology, StorageNodes nodes,
                           IdempotencyStore idempotency, HintStore hints, ClockIssuer clocks, Environment env) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
        this.hints = Objects.requireNonNull(hints, "hints");
        this.clocks = Objects.requireNonNull(clocks, "clocks");
        this.env = Objects.requireNonNull(env, "env");
        this.claimTtl = claimTtl(env.settings().writeTimeout());
    }

    public CompletableFuture<WriteOutcome> execute(WriteCommand command) {
        long started = env.clock().nowMillis();
        Deadline deadline = Deadline.of(env.clock(), env.settings().writeTimeout(), command.clientDeadline());
        CompletableFuture<WriteOutcome> outcome;
        try {
            // a coordinator that could not confirm its ring lately writes nothing, not even an idempotency claim
            outcome = topology.freshness() instanceof ClusterTopology.Freshness.Stale stale
                    ? done(new WriteOutcome.TopologyStale(stale)) : claimAndWrite(command, deadline);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        Operation op = command.isDelete() ? Operation.DELETE : Operation.WRITE;
        return outcome.whenComplete((o, error) -> env.metrics().requestCompleted(op, command.consistency(),
                error != null ? "ERROR" : statusOf(o), Duration.ofMillis(env.clock().nowMillis() - started)));
    }

    private CompletableFuture<WriteOutcome> claimAndWrite(WriteCommand command, Deadline deadline) {
        String fingerprint = fingerprint(command);
        if (command.idempotencyKey().isEmpty()) {
            // Nobody can know a generated key before the answer, so there is nothing to claim: the write
            // runs at once, and its record is stored before the answer, so a retry with the returned key
            // is recognised. Without the store the write still runs (the client asked for no guarantee).
            String token = generateIdempotencyKey();
            IdempotencyKey key = new IdempotencyKey(command.tenant(), command.key(), token);
            return write(command, token, deadline).thenCompose(o -> o instanceof WriteOutcome.Written w
                    ? recordQuietly(() -> idempotency.complete(key, fingerprint, w.response(), idempotencyTtl()), o)
                    : done(o));
        }
        String token = command.idempotencyKey().get();
        IdempotencyKey key = new IdempotencyKey(command.tenant(), command.key(), token);
        CompletableFuture<Claim> claim;
        try {
            claim = idempotency.claim(key, fingerprint, claimTtl);
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        return claim.handle((found, error) -> {
            if (error != null) {
                if (unwrap(error) instanceof PairDbException e) {
                    // the client asked for exactly-once: without the store we cannot promise it
                    return done(new WriteOutcome.IdempotencyUnavailable(e.getMessage()));
                }
                return CompletableFuture.<WriteOutcome>failedFuture(unwrap(error));
            }
            return switch (found) {
                case Claim.Completed completed when completed.fingerprint().equals(fingerprint) ->
                        done(new WriteOutcome.Duplicate(completed.response()));
                case Claim.Completed completed -> done(new WriteOutcome.IdempotencyConflict(token));
                case Claim.InProgress p when p.fingerprint().equals(fingerprint) ->
                        done(new WriteOutcome.InFlight(token));
                case Claim.InProgress p -> done(new WriteOutcome.IdempotencyConflict(token));
                case Claim.Claimed claimed -> writeOrFail(command, token, deadline).handle((o, failure) ->
                        o instanceof WriteOutcome.Written w
                                ? recordQuietly(() -> idempotency.complete(key, fingerprint, w.response(),
                                        idempotencyTtl()), o)
                                : recordQuietly(() -> idempotency.release(key), o).thenCompose(ignored ->
                                        failure == null ? done(o) : CompletableFuture.<WriteOutcome>failedFuture(
                                                unwrap(failure))))
                        .thenCompose(answer -> answer);
            };
        }).thenCompose(answer -> answer);
    }

    /**
     * Completes with {@code outcome} once the store has answered {@code record}. A store that fails
     * leaves the write standing: a retry after this may apply again, which conditional apply tolerates.
     */
    private static CompletableFuture<WriteOutcome> recordQuietly(Supplier<CompletableFuture<Void>> record,
                                                                 WriteOutcome outcome) {
        CompletableFuture<Void> recorded;
        try {
            recorded = record.get();
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.handle((ignored, error) -> {
            if (error != null && !(unwrap(error) instanceof PairDbException)) {
                throw new CompletionException(unwrap(error));
            }
            return outcome;
        });
    }

    private Duration idempotencyTtl() {
        return env.settings().idempotencyTtl();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Like {@link #write}, but a store that throws fails the future, so a claim is always completed or released. */
    private CompletableFuture<WriteOutcome> writeOrFail(WriteCommand command, String idempotencyKey, Deadline deadline) {
        try {
            return write(command, idempotencyKey, deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<WriteOutcome> write(WriteCommand command, String idempotencyKey, Deadline deadline) {
        return tenants.findAsync(command.tenant(), env.scheduler())
                .thenCompose(tenant -> write(command, tenant, idempotencyKey, deadline));
    }

    private CompletableFuture<WriteOutcome> write(WriteCommand command, Optional<Tenant> tenant, String idempotencyKey,
                                                  Deadline deadline) {
        if (tenant.isEmpty()) {
            return done(new WriteOutcome.TenantNotFound(command.tenant()));
        }
        int rf = tenant.get().replicationFactor();
        Token token = Token.forKey(command.tenant().value(), command.key());
        Optional<ReplicaSets> sets = topology.current().replicasFor(token, rf, tenant.get().writeReplicationFactor());
        int required = command.consistency().required(rf);
        if (sets.isEmpty()) {
            env.metrics().quorumFailure(operation(command));
            return done(new WriteOutcome.Unavailable(required, topology.current().currentNodeCount()));
        }
        List<StorageNode> targets = sets.get().writeTargets();
        int requiredAcks = required + sets.get().pending().size();
        long alive = targets.stream().filter(n -> n.liveness() == Liveness.UP).count();
        if (alive < requiredAcks) {
            env.metrics().quorumFailure(operation(command));
            return done(new WriteOutcome.Unavailable(requiredAcks, (int) alive));
        }
        return baseVersion(command, sets.get(), deadline).thenCompose(base -> {
            Version version = newVersion(command, base);
            var mutation = new ReplicaWriteRound.Mutation(command.tenant(), command.key(), token, version);
            return ReplicaWriteRound.start(targets, requiredAcks, mutation, deadline, nodes, hints, env).result()
                    .thenApply(result -> switch (result.status()) {
                        case REACHED -> new WriteOutcome.Written(new StoredResponse(command.key(), idempotencyKey,
                                version.clock(), version.timestampMs(), result.acknowledged(),
                                command.consistency().wireName(), version.tombstone()));
                        case FAILED -> {
                            env.metrics().quorumFailure(operation(command));
                            yield new WriteOutcome.QuorumNotReached(requiredAcks, result.acknowledged(), result.failed());
                        }
                        case TIMED_OUT -> {
                            env.metrics().quorumFailure(operation(command));
                            yield new WriteOutcome.TimedOut(requiredAcks, result.acknowledged());
                        }
                    });
        });
    }

    /** What a new version follows: the clock it must dominate and the timestamp it must exceed. */
    private record Base(VectorClock clock, long timestampMs) {
        static final Base NOTHING = new Base(VectorClock.EMPTY, 0);
    }

    /**
     * The newest version the replicas hold (read-before-write), or the client's causal context. The
     * read asks a read quorum of the live natural replicas, which overlaps every write quorum
     * (R + W > N); the other live replicas are asked only when one of those fails, or at a tenth
     * of the write timeout (at most half the time left) when one is slow.
     */
    private CompletableFuture<Base> baseVersion(WriteCommand command, ReplicaSets sets, Deadline deadline) {
        if (command.causalContext().isPresent()) {
            return CompletableFuture.completedFuture(new Base(command.causalContext().get(), 0));
        }
        List<StorageNode> readable = sets.natural().stream().filter(n -> n.liveness() == Liveness.UP).toList();
        if (readable.isEmpty()) {
            return CompletableFuture.completedFuture(Base.NOTHING);
        }
        int wanted = Math.min(command.consistency().required(sets.natural().size()), readable.size());
        // a replica that is slow rather than failed is overtaken by the spares well before the deadline
        Duration speculateAfter = Duration.ofMillis(Math.min(
                env.settings().writeTimeout().toMillis() / SPECULATION_DIVISOR,
                deadline.remaining(env.clock()).toMillis() / 2));
        return ReplicaReadRound.startWithSpares(readable, wanted, speculateAfter, nodes, command.tenant(), command.key(),
                        deadline, env)
                .quorum()
                .thenApply(replies -> Resolution.resolve(replies.versions())
                        .map(v -> new Base(v.clock(), v.timestampMs()))
                        .orElse(Base.NOTHING));
    }

    private Version newVersion(WriteCommand command, Base base) {
        VectorClock clock = clocks.next(base.clock());
        // a new version is never older than what it follows, so the timestamp tiebreak agrees with causality
        long timestamp = Math.max(env.clock().nowMillis(), base.timestampMs() + 1);
        return command.value()
                .map(v -> Version.of(v, clock, timestamp))
                .orElseGet(() -> Version.tombstone(clock, timestamp));
    }

    /**
     * How long an in-progress claim lives: long enough to outlast the write it guards, short
     * enough that a coordinator that dies mid-write does not block retries for a day.
     */
    private static Duration claimTtl(Duration writeTimeout) {
        Duration twiceTheDeadline = writeTimeout.multipliedBy(2);
        return twiceTheDeadline.compareTo(Duration.ofSeconds(10)) > 0 ? twiceTheDeadline : Duration.ofSeconds(10);
    }

    private String generateIdempotencyKey() {
        // unique without randomness: coordinator ids are unique, and the time part survives restarts
        return clocks.coordinatorId() + "-" + Long.toString(env.clock().nowMillis(), 36) + "-"
                + generatedKeys.incrementAndGet();
    }

    /** What makes two requests "the same request" for idempotency. */
    static String fingerprint(WriteCommand command) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((command.isDelete() ? "delete" : "put").getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            command.value().ifPresent(sha::update);
            sha.update((byte) 0);
            command.causalContext().ifPresent(c -> sha.update(c.toString().getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static Operation operation(WriteCommand command) {
        return command.isDelete() ? Operation.DELETE : Operation.WRITE;
    }

    private static String statusOf(WriteOutcome o) {
        return switch (o) {
            case WriteOutcome.Written w -> "OK";
            case WriteOutcome.Duplicate d -> "DUPLICATE";
            case WriteOutcome.TenantNotFound t -> "TENANT_NOT_FOUND";
            case WriteOutcome.Unavailable u -> "UNAVAILABLE";
            case WriteOutcome.QuorumNotReached q -> "QUORUM_NOT_REACHED";
            case WriteOutcome.TimedOut t -> "TIMEOUT";
            case WriteOutcome.IdempotencyConflict c -> "IDEMPOTENCY_KEY_CONFLICT";
            case WriteOutcome.InFlight i -> "IN_FLIGHT";
            case WriteOutcome.IdempotencyUnavailable i -> "IDEMPOTENCY_UNAVAILABLE";
            case WriteOutcome.TopologyStale t -> "TOPOLOGY_STALE";
        };
    }

    private static CompletableFuture<WriteOutcome> done(WriteOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
