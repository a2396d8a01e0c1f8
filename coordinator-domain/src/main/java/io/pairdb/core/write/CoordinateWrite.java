package io.pairdb.core.write;

import io.pairdb.core.OutcomeNames;
import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.RequestEvents.Operation;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.replication.AlsoAmong;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.Deadline;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.ReplicaQuorum;
import io.pairdb.core.replication.ReplicaReadRound;
import io.pairdb.core.replication.ReplicaWriteRound;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.replication.StoreHints;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.CausalContexts;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.core.write.WriteOutcome.ReadBeforeWriteFailed.Cause;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Coordinates a write or delete (DESIGN.md §6): causal context check → idempotency claim →
 * tenant → replica sets → the version it follows (a read quorum, or the client's causal context)
 * → new version → parallel writes to natural and pending replicas → answer at CL + |pending|
 * acknowledgements → idempotency record.
 *
 * <p>Every wait ends by the request's deadline (the stricter of the write timeout and the
 * client's): the claim, the tenant lookup, the read before the write, the replica writes, the
 * hints stored before the answer and the record after it. A write whose deadline has passed
 * sends nothing to the storage nodes, so its in-progress claim, which outlives the deadline,
 * cannot expire while it still runs.
 */
public final class CoordinateWrite {
    private final TenantService tenants;
    private final ClusterTopology topology;
    private final StorageNodes nodes;
    private final IdempotencyStore idempotency;
    private final StoreHints hints;
    private final ClockIssuer clocks;
    private final Environment env;
    private static final int SPECULATION_DIVISOR = 10;

    /** Backoff between tries of a record or release that failed, doubling up to the last. */
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(1);

    private final Duration claimTtl;
    private final AtomicLong tokens = new AtomicLong();

    public CoordinateWrite(TenantService tenants, ClusterTopology topology, StorageNodes nodes,
                           IdempotencyStore idempotency, HintStore hints, ClockIssuer clocks, Environment env) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
        this.clocks = Objects.requireNonNull(clocks, "clocks");
        this.env = Objects.requireNonNull(env, "env");
        this.hints = new StoreHints(Objects.requireNonNull(hints, "hints"), env);
        this.claimTtl = claimTtl(env.settings().writeTimeout());
    }

    /**
     * Completes once every replica write sent so far has answered, or failed and had its hint stored
     * (or failed to store it): a coordinator stopping waits for it, bounded, before it stops its
     * background work. See {@link StoreHints#idle}.
     */
    public CompletableFuture<Void> settled() {
        return hints.idle();
    }

    public CompletableFuture<WriteOutcome> execute(WriteCommand command) {
        long started = env.clock().nowMillis();
        Deadline deadline = Deadline.of(env.clock(), env.settings().writeTimeout(), command.clientDeadline());
        CompletableFuture<WriteOutcome> outcome = Futures.started(() -> checkAndWrite(command, deadline));
        Operation op = command.isDelete() ? Operation.DELETE : Operation.WRITE;
        return outcome.whenComplete((o, error) -> env.events().requestCompleted(op, command.consistency(),
                error != null ? "ERROR" : OutcomeNames.of(o), Duration.ofMillis(env.clock().nowMillis() - started)));
    }

    private CompletableFuture<WriteOutcome> checkAndWrite(WriteCommand command, Deadline deadline) {
        if (topology.freshness() instanceof ClusterTopology.Freshness.Stale stale) {
            // a coordinator that could not confirm its ring lately writes nothing, not even an idempotency claim
            return done(new WriteOutcome.TopologyStale(stale));
        }
        Optional<String> badContext = command.causalContext().flatMap(context -> CausalContexts.problem(context,
                env.clock().nowMillis(), env.settings().maxCausalContextEntries(), env.settings().maxClockSkew()));
        if (badContext.isPresent()) {
            return done(new WriteOutcome.InvalidCausalContext(badContext.get()));
        }
        if (command.idempotencyKey().isEmpty()) {
            // A generated key is known only to whoever gets the answer, and they have no reason to
            // retry: nobody can ever look a record of it up, so none is stored (it would only fill
            // Redis). It names the write in the answer; sent back, it is a new request's key.
            return write(command, uniqueToken(), Issue.fresh(), deadline);
        }
        return claimAndWrite(command, command.idempotencyKey().get(), deadline);
    }

    private CompletableFuture<WriteOutcome> claimAndWrite(WriteCommand command, String token, Deadline deadline) {
        String fingerprint = fingerprint(command);
        IdempotencyKey key = new IdempotencyKey(command.tenant(), command.key(), token);
        Claimant claimant = new Claimant(key, uniqueToken(), env.clock().nowMillis() + claimTtl.toMillis());
        CompletableFuture<Claim> claim = deadline.bound(
                Futures.started(() -> idempotency.claim(key, fingerprint, claimant.owner(), claimTtl)), env.clock(),
                env.scheduler(), () -> new ClaimUnanswered(key));
        return claim.handle((found, error) -> {
            if (error != null) {
                if (Futures.cause(error) instanceof PairDbException e) {
                    // The client asked for exactly-once: without the store we cannot promise it. The claim may
                    // have been made all the same (unanswered by the deadline, or answered after the store
                    // client's own timeout): give it back, nothing ran under it, or every retry would be told
                    // the write is in progress until the marker expires. A release drops this attempt's marker
                    // only. Giving up is not counted as a lost record: no write ran, and a marker expires unaided.
                    settleInBackground(() -> idempotency.release(key, claimant.owner()), claimant, "release", false,
                            deadline);
                    return done(new WriteOutcome.IdempotencyUnavailable(e.getMessage()));
                }
                return CompletableFuture.<WriteOutcome>failedFuture(Futures.cause(error));
            }
            return switch (found) {
                case Claim.Completed completed when completed.fingerprint().equals(fingerprint)
                        && promisesAsMuch(completed.response(), command.consistency()) ->
                        done(new WriteOutcome.Duplicate(completed.response()));
                case Claim.Completed completed when completed.fingerprint().equals(fingerprint) ->
                        duplicateIfAskingNoMore(command, completed.response(), token, deadline);
                case Claim.Completed completed -> done(new WriteOutcome.IdempotencyConflict(token));
                case Claim.InProgress p when p.fingerprint().equals(fingerprint) ->
                        done(new WriteOutcome.InFlight(token));
                case Claim.InProgress p -> done(new WriteOutcome.IdempotencyConflict(token));
                case Claim.Claimed claimed -> writeAndRecord(command, claimant, fingerprint, Optional.empty(), deadline);
                // one older than the idempotency TTL is not written again (see keptFor): the request runs afresh,
                // as for a key whose record expired
                case Claim.Unsettled unsettled when unsettled.fingerprint().equals(fingerprint) ->
                        writeAndRecord(command, claimant, fingerprint, Optional.of(unsettled.version())
                                .filter(v -> keptFor(v).isPositive()), deadline);
                case Claim.Unsettled unsettled -> done(new WriteOutcome.IdempotencyConflict(token));
            };
        }).thenCompose(answer -> answer);
    }

    /**
     * Whether a stored answer stands for a retry at {@code asked} on its level alone: it was acknowledged
     * at that level or a stronger one, whatever the tenant's RF. Otherwise {@link #duplicateIfAskingNoMore}
     * decides by replica counts, which needs the tenant; this spares the lookup for most retries.
     */
    private static boolean promisesAsMuch(StoredResponse answer, ConsistencyLevel asked) {
        return ConsistencyLevel.parse(answer.consistency()).map(level -> level.compareTo(asked) >= 0).orElse(false);
    }

    /**
     * A retry at a stronger level than the stored answer's: still that answer when, at the tenant's
     * RF and with no change of it under way, the first's level asked for as many replicas as the
     * retry's does (with RF 1 every level is one replica, with RF 2 quorum is all), or the key was
     * used for a different request. Telling such a client to use a new key would have it apply the
     * write a second time. Counted by levels, not by the replicas that happened to acknowledge: those
     * may include a pending replica or one an RF change drops.
     */
    private CompletableFuture<WriteOutcome> duplicateIfAskingNoMore(WriteCommand command, StoredResponse answer,
                                                                          String token, Deadline deadline) {
        Optional<ConsistencyLevel> first = ConsistencyLevel.parse(answer.consistency());
        return tenantOf(command, deadline).thenApply(found -> found
                .filter(t -> t.pendingReplicationFactor().isEmpty() && first.isPresent()
                        && first.get().required(t.replicationFactor())
                        >= command.consistency().required(t.replicationFactor()))
                .<WriteOutcome>map(t -> new WriteOutcome.Duplicate(answer))
                .orElseGet(() -> new WriteOutcome.IdempotencyConflict(token)));
    }

    /** Who claimed a key: the attempt's owner token, and when its in-progress marker expires at the earliest. */
    private record Claimant(IdempotencyKey key, String owner, long markerExpiresAtMillis) {
    }

    /**
     * The version a write sends: one issued for it, or, for a retry of a request that may have been
     * written already ({@link Claim.Unsettled}), the one that request was issued. Set once it is
     * handed to the replicas (or to hints for them).
     */
    private static final class Issue {
        private final Optional<IdempotencyStore.UnsettledVersion> again;
        private volatile Version sent;

        Issue(Optional<IdempotencyStore.UnsettledVersion> again) {
            this.again = again;
        }

        static Issue fresh() {
            return new Issue(Optional.empty());
        }

        /** The version to keep for a retry once this write failed, if it may have been written. */
        Optional<IdempotencyStore.UnsettledVersion> mayBeWritten() {
            Version v = sent;
            return v != null ? Optional.of(new IdempotencyStore.UnsettledVersion(v.clock(), v.timestampMs())) : again;
        }
    }

    /**
     * Runs the claimed write, then stores its answer under the claim. When it failed, the claim is
     * released so a retry runs, unless its version may have reached a replica (or a hint for one):
     * then that version is kept as unsettled ({@link IdempotencyStore#unsettle}) and a retry writes
     * it again rather than a new version, which would apply the request a second time, over any
     * write made since on top of the first. Either way the answer stays the write's: a write that
     * reached its replicas is acknowledged even if its record is lost (see {@link #afterWrite}).
     */
    private CompletableFuture<WriteOutcome> writeAndRecord(WriteCommand command, Claimant claimant, String fingerprint,
                                                           Optional<IdempotencyStore.UnsettledVersion> again,
                                                           Deadline deadline) {
        IdempotencyKey key = claimant.key();
        Issue issue = new Issue(again);
        return Futures.started(() -> write(command, key.token(), issue, deadline)).handle((outcome, failure) -> {
            if (outcome instanceof WriteOutcome.Written written) {
                return afterWrite(() -> idempotency.complete(key, claimant.owner(), fingerprint, written.response(),
                        env.settings().idempotencyTtl()).thenAccept(stored -> {
                            if (!stored) {
                                env.events().idempotencyRecordFailed("the record of " + key.storageKey()
                                        + " was refused: another request claimed the key after this write's"
                                        + " in-progress marker expired (this coordinator was held up past it);"
                                        + " a retry may run the write again");
                            }
                        }), claimant, "record", deadline).thenApply(ignored -> outcome);
            }
            Optional<IdempotencyStore.UnsettledVersion> written = issue.mayBeWritten()
                    .filter(v -> keptFor(v).isPositive());
            CompletableFuture<Void> settled = written.isPresent()
                    ? afterWrite(() -> idempotency.unsettle(key, claimant.owner(), fingerprint, written.get(),
                            keptFor(written.get())), claimant, "unsettled version", deadline)
                    : afterWrite(() -> idempotency.release(key, claimant.owner()), claimant, "release", deadline);
            return settled.thenCompose(ignored -> failure == null ? done(outcome)
                    : CompletableFuture.<WriteOutcome>failedFuture(Futures.cause(failure)));
        }).thenCompose(answer -> answer);
    }

    /**
     * How much longer an unsettled version is kept: until the idempotency TTL after it was issued,
     * however often retries fail, so that no version older than that is ever written again (start-up
     * keeps that plus the hint TTL below the nodes' tombstone gc grace, see README). Zero or less:
     * not kept.
     */
    private Duration keptFor(IdempotencyStore.UnsettledVersion version) {
        long age = env.clock().nowMillis() - version.timestampMs();
        return env.settings().idempotencyTtl().minusMillis(Math.max(0, age));
    }

    /**
     * Stores a record or releases a claim after the write ran; the future completes once that is
     * done or given up, and by the deadline at most, and never fails. An attempt that fails (Redis
     * slow or away) is tried again in the background, backing off, until the claim's marker would
     * have expired: the store acts only on this attempt's own marker, so a late try never touches
     * a claim another request made since. Only a record given up is counted and logged.
     *
     * <p>A lost record does not change the client's answer: a write that reached its replicas at
     * its consistency level is acknowledged, because failing it would send the client to retry, and
     * with its record lost a retry (once the marker expires) runs the write again as a new version
     * that dominates the first — conditional apply does not absorb it. Answering success leaves
     * that to a client that also lost the answer. A lost release leaves the marker until it
     * expires: retries get REQUEST_IN_PROGRESS until then.
     */
    private CompletableFuture<Void> afterWrite(Supplier<CompletableFuture<Void>> call, Claimant claimant, String what,
                                               Deadline deadline) {
        return settleInBackground(call, claimant, what, true, deadline);
    }

    /** {@link #afterWrite}, whose giving up is counted and logged only if {@code counted}. */
    private CompletableFuture<Void> settleInBackground(Supplier<CompletableFuture<Void>> call, Claimant claimant,
                                                       String what, boolean counted, Deadline deadline) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        attempt(call, claimant, what, counted, FIRST_RETRY, settled);
        return deadline.bound(settled, env.clock(), env.scheduler(), () -> new ClaimUnanswered(claimant.key()))
                .handle((ignored, error) -> null);
    }

    private void attempt(Supplier<CompletableFuture<Void>> call, Claimant claimant, String what, boolean counted,
                         Duration backoff, CompletableFuture<Void> settled) {
        Futures.started(call).whenComplete((ignored, error) -> {
            if (error == null) {
                settled.complete(null);
                return;
            }
            if (env.clock().nowMillis() + backoff.toMillis() >= claimant.markerExpiresAtMillis()) {
                if (counted) {
                    env.events().idempotencyRecordFailed("the " + what + " of " + claimant.key().storageKey()
                            + " could not be stored before its in-progress marker expired: "
                            + describe(Futures.cause(error)));
                }
                settled.complete(null);
                return;
            }
            Duration next = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
            try {
                env.scheduler().schedule(backoff, () -> attempt(call, claimant, what, counted, next, settled));
            } catch (RuntimeException notScheduled) {
                // the scheduler is shutting down: this was the last try
                if (counted) {
                    env.events().idempotencyRecordFailed("the " + what + " of " + claimant.key().storageKey()
                            + " could not be stored: " + describe(Futures.cause(error)));
                }
                settled.complete(null);
            }
        });
    }

    /** The command's tenant, from the cache or the store, by the request's deadline. */
    private CompletableFuture<Optional<Tenant>> tenantOf(WriteCommand command, Deadline deadline) {
        return deadline.bound(Futures.started(() -> tenants.findAsync(command.tenant(), env.scheduler())), env.clock(),
                env.scheduler(), () -> new PairDbException("tenant " + command.tenant(),
                        "the tenant store did not answer within the request's deadline"));
    }

    private CompletableFuture<WriteOutcome> write(WriteCommand command, String idempotencyKey, Issue issue,
                                                  Deadline deadline) {
        CompletableFuture<Optional<Tenant>> tenant = tenantOf(command, deadline);
        return tenant.thenCompose(found -> write(command, found, idempotencyKey, issue, deadline));
    }

    private CompletableFuture<WriteOutcome> write(WriteCommand command, Optional<Tenant> tenant, String idempotencyKey,
                                                  Issue issue, Deadline deadline) {
        if (tenant.isEmpty()) {
            return done(new WriteOutcome.TenantNotFound(command.tenant()));
        }
        int rf = tenant.get().replicationFactor();
        Token token = Token.forKey(command.tenant().value(), command.key());
        // one view of the ring for the whole write: a change swapped in halfway (a node removed by force, say)
        // must not give the read before the write, or the kept quorum, replicas the write targets never had
        TopologyView ring = topology.current();
        Optional<ReplicaSets> sets = ring.replicasFor(token, rf, tenant.get().writeReplicationFactor());
        int required = command.consistency().required(rf);
        if (sets.isEmpty()) {
            env.events().quorumFailure(operation(command));
            return done(new WriteOutcome.Unavailable(required, ring.currentNodeCount()));
        }
        List<StorageNode> targets = sets.get().writeTargets();
        int requiredAcks = required + sets.get().pending().size();
        long alive = targets.stream().filter(n -> n.liveness() == Liveness.UP).count();
        Optional<AlsoAmong> kept = keptQuorum(ring, command, tenant.get(), token);
        if (alive < requiredAcks) {
            env.events().quorumFailure(operation(command));
            return done(new WriteOutcome.Unavailable(requiredAcks, (int) alive));
        }
        if (kept.isPresent()) {
            long keptAlive = targets.stream()
                    .filter(n -> kept.get().members().contains(n.id()) && n.liveness() == Liveness.UP).count();
            if (keptAlive < kept.get().required()) {
                env.events().quorumFailure(operation(command));
                return done(new WriteOutcome.Unavailable(kept.get().required(), (int) keptAlive));
            }
        }
        if (issue.again.isPresent()) {
            // the version an earlier attempt may have written: no read before it, no new clock
            return writeVersion(command, Optional.empty(), targets, requiredAcks, kept, token, idempotencyKey, issue,
                    deadline);
        }
        return baseVersion(ring, command, tenant.get(), token,
                tenant.get().speculation().orElse(env.settings().speculation()), deadline)
                .thenCompose(base -> switch (base) {
            case BaseRead.Failed failed -> {
                env.events().quorumFailure(operation(command));
                yield done(failed.outcome());
            }
            case BaseRead.Found found -> writeVersion(command, Optional.of(found), targets, requiredAcks, kept, token,
                    idempotencyKey, issue, deadline);
        });
    }

    /** Writes a new version following {@code base}, or, with no base, the one {@code issue} must write again. */
    private CompletableFuture<WriteOutcome> writeVersion(WriteCommand command, Optional<BaseRead.Found> base,
                                                         List<StorageNode> targets, int requiredAcks,
                                                         Optional<AlsoAmong> kept, Token token,
                                                         String idempotencyKey, Issue issue, Deadline deadline) {
        if (deadline.expired(env.clock())) {
            env.events().quorumFailure(operation(command));
            return done(new WriteOutcome.TimedOut(requiredAcks, 0, false));
        }
        VectorClock clock;
        long timestamp;
        if (base.isEmpty()) {
            clock = issue.again.orElseThrow().clock();
            timestamp = issue.again.orElseThrow().timestampMs();
        } else {
            switch (clocks.next(base.get().clock(), base.get().timestampMs())) {
                case ClockIssuer.Issue.IdNotHeld notHeld -> {
                    return done(new WriteOutcome.CoordinatorIdNotHeld(notHeld.id()));
                }
                case ClockIssuer.Issue.Issued issued -> {
                    clock = issued.clock();
                    timestamp = issued.timestampMs();
                }
            }
        }
        Version version = command.value()
                .map(v -> Version.of(v, clock, timestamp))
                .orElseGet(() -> Version.tombstone(clock, timestamp));
        issue.sent = version;
        var mutation = new ReplicaWriteRound.Mutation(command.tenant(), command.key(), token, version);
        return ReplicaWriteRound.start(targets, requiredAcks, kept, mutation, deadline, nodes, hints, env).result()
                .thenApply(result -> switch (result.status()) {
                    case REACHED -> new WriteOutcome.Written(new StoredResponse(command.key(), idempotencyKey,
                            version.clock(), version.timestampMs(), result.acknowledged(),
                            command.consistency().wireName(), version.tombstone()));
                    case FAILED -> {
                        env.events().quorumFailure(operation(command));
                        yield new WriteOutcome.QuorumNotReached(requiredAcks, result.acknowledged(), result.failed());
                    }
                    case TIMED_OUT -> {
                        env.events().quorumFailure(operation(command));
                        yield new WriteOutcome.TimedOut(requiredAcks, result.acknowledged());
                    }
                });
    }

    /**
     * While the tenant's RF is lowered from {@code r} to {@code r'}, a write must also reach the
     * level's count of the {@code r'} replicas kept (the first {@code r'} of the natural ones), as
     * reads do ({@link ReplicaQuorum}): otherwise one acknowledged by dropped replicas alone, after its
     * range streamed to the kept ones, would be missing there when reads switch to RF {@code r'}, and
     * a coordinator still on the change's epoch after it completed would write past the readers of
     * the new one. (A raise needs no such count: its write set is every replica of the higher RF,
     * and the acknowledgements it needs, the level's count plus one per pending replica, include the
     * level's count of each RF's replicas.)
     */
    private static Optional<AlsoAmong> keptQuorum(TopologyView ring, WriteCommand command, Tenant tenant,
                                                  Token token) {
        // the smaller of the two replica sets a read counts among is the one kept
        return tenant.lowering().isEmpty() ? Optional.empty()
                : ReplicaQuorum.of(ring, token, tenant, command.consistency()).flatMap(ReplicaQuorum::also);
    }

    /** What the read before a write found: the version a new one follows, or why there is none to follow. */
    private sealed interface BaseRead {
        /** The clock a new version must dominate and the timestamp it must not precede. */
        record Found(VectorClock clock, long timestampMs) implements BaseRead {
        }

        record Failed(WriteOutcome.ReadBeforeWriteFailed outcome) implements BaseRead {
        }
    }

    /**
     * The newest version the replicas hold, or the client's causal context. Whatever the write's
     * consistency level, the read must reach a read quorum of the natural replicas (⌊RF/2⌋+1),
     * which overlaps every quorum write (R + W > N): a version built on fewer replies may miss the
     * last acknowledged write, be concurrent with it and lose to it. Spares count: the other live
     * natural replicas are asked when one of the quorum fails, or when the quorum is late by the
     * speculation policy (the tenant's, else {@link CoordinatorSettings#speculation()}; at most half
     * the time left).
     */
    private CompletableFuture<BaseRead> baseVersion(TopologyView ring, WriteCommand command, Tenant tenant,
                                                    Token token, SpeculationPolicy speculation, Deadline deadline) {
        if (command.causalContext().isPresent()) {
            return CompletableFuture.completedFuture(new BaseRead.Found(command.causalContext().get(), 0));
        }
        // the same replicas as a read at quorum: while the RF changes, a quorum of the old RF's and of the new one's
        // present: the ring has the tenant's RF of nodes, as the write's replica sets were found in it
        ReplicaQuorum quorum = ReplicaQuorum.of(ring, token, tenant, ConsistencyLevel.QUORUM).orElseThrow();
        // the replicas expected to answer first form the quorum asked; the others are the spares
        List<StorageNode> readable = env.latencies().fastestFirst(
                quorum.replicas().stream().filter(n -> n.liveness() == Liveness.UP).toList());
        int readQuorum = quorum.required();
        if (readable.size() < readQuorum || quorum.amongAlso(readable) < quorum.alsoRequired()) {
            return CompletableFuture.completedFuture(new BaseRead.Failed(new WriteOutcome.ReadBeforeWriteFailed(
                    Cause.NOT_ENOUGH_REPLICAS, readQuorum, readable.size())));
        }
        // a replica that is slow rather than failed is overtaken by a spare once the policy says the quorum
        // is late (until the asked replicas are measured: a tenth of the write timeout), at most half the time left
        Duration byPolicy = speculation.after(readable.subList(0, readQuorum), env.latencies(),
                env.settings().writeTimeout().dividedBy(SPECULATION_DIVISOR));
        Duration speculateAfter = Duration.ofMillis(Math.min(byPolicy.toMillis(),
                deadline.remaining(env.clock()).toMillis() / 2));
        return ReplicaReadRound.startWithSpares(readable, readQuorum, quorum.also(), speculateAfter, nodes,
                        command.tenant(), command.key(), deadline, env)
                .quorum()
                .thenApply(replies -> switch (replies.status()) {
                    case REACHED -> Resolution.resolve(replies.versions())
                            .<BaseRead>map(v -> new BaseRead.Found(v.clock(), v.timestampMs()))
                            .orElse(new BaseRead.Found(VectorClock.EMPTY, 0));
                    case FAILED -> new BaseRead.Failed(new WriteOutcome.ReadBeforeWriteFailed(
                            Cause.QUORUM_NOT_REACHED, readQuorum, replies.answers().size()));
                    case TIMED_OUT -> new BaseRead.Failed(new WriteOutcome.ReadBeforeWriteFailed(
                            Cause.TIMED_OUT, readQuorum, replies.answers().size()));
                });
    }

    /**
     * How long an in-progress claim lives: long enough to outlast the write it guards (which
     * sends nothing after its deadline, at most one write timeout from its start, and then only
     * records or releases), short enough that a coordinator that dies mid-write does not block
     * retries for a day.
     */
    private static Duration claimTtl(Duration writeTimeout) {
        Duration twiceTheDeadline = writeTimeout.multipliedBy(2);
        return twiceTheDeadline.compareTo(Duration.ofSeconds(10)) > 0 ? twiceTheDeadline : Duration.ofSeconds(10);
    }

    /** A generated idempotency key or claim owner, unique without randomness: coordinator ids are unique, and the time part survives restarts. */
    private String uniqueToken() {
        return clocks.coordinatorId() + "-" + Long.toString(env.clock().nowMillis(), 36) + "-"
                + tokens.incrementAndGet();
    }

    /**
     * What makes two requests "the same request" for idempotency: tenant, key, operation, value
     * and causal context, each prefixed by its length so that no two different requests feed the
     * digest the same bytes.
     */
    static String fingerprint(WriteCommand command) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            field(sha, command.tenant().value().getBytes(StandardCharsets.UTF_8));
            field(sha, command.key().getBytes(StandardCharsets.UTF_8));
            field(sha, (command.isDelete() ? "delete" : "put").getBytes(StandardCharsets.UTF_8));
            field(sha, command.value().orElse(new byte[0]));
            field(sha, command.causalContext().map(c -> c.toString().getBytes(StandardCharsets.UTF_8))
                    .orElse(new byte[0]));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static void field(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        sha.update(bytes);
    }

    /** The idempotency store did not answer a claim, record or release within the request's deadline. */
    private static final class ClaimUnanswered extends PairDbException {
        ClaimUnanswered(IdempotencyKey key) {
            super(key.storageKey(), "the idempotency store did not answer for " + key.storageKey()
                    + " within the request's deadline");
        }
    }


    private static String describe(Throwable error) {
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }

    private static Operation operation(WriteCommand command) {
        return command.isDelete() ? Operation.DELETE : Operation.WRITE;
    }

    private static CompletableFuture<WriteOutcome> done(WriteOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
