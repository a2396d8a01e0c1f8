package io.pairdb.core.replication;

import io.pairdb.core.Futures;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one key from several replicas at once, or from as many as the quorum needs with the
 * others as spares. {@link #quorum()} completes as soon as the
 * required answers are in (or can no longer come, or the deadline passes);
 * {@link #settled()} completes when every replica has answered or failed, or at the
 * deadline — late answers are what read repair works from.
 *
 * <p>A round may also need answers from a subset of the replicas ({@link AlsoAmong}, a read while
 * the tenant's RF changes): its quorum is reached once both counts are, and fails as soon as either
 * can no longer be.
 */
public final class ReplicaReadRound {
    public enum Status { REACHED, FAILED, TIMED_OUT }

    /**
     * The answers so far: a replica's version (empty = it holds none) per node that answered, in
     * the order they answered. The order is kept (not {@code Map.copyOf}, whose iteration order
     * changes from one JVM to the next) because read repair calls the replicas in it, and a
     * simulation replays a seed only if the core does the same things in the same order.
     */
    public record Replies(Status status, Map<StorageNode, Optional<Version>> answers, int failures, int required) {
        public Replies {
            answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        }

        public List<Version> versions() {
            return answers.values().stream().flatMap(Optional::stream).toList();
        }
    }

    private final JointCount count;
    private final Map<StorageNode, Optional<Version>> answers = new LinkedHashMap<>();
    private final CompletableFuture<Replies> quorum = new CompletableFuture<>();
    private final CompletableFuture<Replies> settled = new CompletableFuture<>();
    private final StorageNodes nodes;
    private final TenantId tenant;
    private final String key;
    private final Deadline deadline;
    private final Environment env;
    /** Replicas not asked yet, asked when one that was fails or at the speculation delay. Guarded by {@code this}. */
    private final ArrayDeque<StorageNode> spares;
    /** Spares asked because the quorum was late (not to replace a failure). Guarded by {@code this}. */
    private final Set<StorageNode> speculative = new HashSet<>();
    private int asked;
    private int answered;
    private static final Scheduler.Cancellable NOTHING = () -> { };
    /** Set once started; a timer that fires before its handle is stored finds a harmless no-op here. */
    private volatile Scheduler.Cancellable timer = NOTHING;
    private volatile Scheduler.Cancellable speculation = NOTHING;

    private ReplicaReadRound(List<StorageNode> given, int firstGiven, int required, Optional<AlsoAmong> also,
                             Optional<Duration> speculateAfter, StorageNodes nodes, TenantId tenant, String key,
                             Deadline deadline, Environment env) {
        List<StorageNode> targets = also.map(a -> membersFirst(given, a)).orElse(given);
        int first = also.map(a -> Math.max(firstGiven, Math.min(given.size(), a.required()))).orElse(firstGiven);
        this.count = new JointCount(required, targets, also);
        this.nodes = nodes;
        this.tenant = tenant;
        this.key = key;
        this.deadline = deadline;
        this.env = env;
        List<StorageNode> asking = targets.subList(0, first);
        synchronized (this) {
            this.spares = new ArrayDeque<>(targets.subList(first, targets.size()));
            this.asked = asking.size();
        }
        if (deadline.expired(env.clock())) {
            // no time left: asking a replica could not change the outcome
            Replies none = snapshot(Status.TIMED_OUT);
            quorum.complete(none);
            settled.complete(none);
            return;
        }
        // the speculation handle exists before the deadline timer, which cancels it and may fire at once
        if (!spares.isEmpty() && speculateAfter.isPresent()) {
            this.speculation = env.scheduler().schedule(speculateAfter.get(), this::askTheSpares);
        }
        this.timer = env.scheduler().scheduleDeadline(deadline.remaining(env.clock()), this::deadlinePassed);
        for (StorageNode node : asking) {
            ask(node);
        }
    }

    /**
     * The targets with as many members of the subset first as it needs, the others after them in their
     * order: the replicas asked first can meet both counts.
     */
    private static List<StorageNode> membersFirst(List<StorageNode> targets, AlsoAmong also) {
        List<StorageNode> ordered = new ArrayList<>();
        targets.stream().filter(n -> also.members().contains(n.id())).limit(also.required()).forEach(ordered::add);
        targets.stream().filter(n -> !ordered.contains(n)).forEach(ordered::add);
        return ordered;
    }

    /** Asks every target at once. */
    public static ReplicaReadRound start(List<StorageNode> targets, int required, StorageNodes nodes, TenantId tenant,
                                         String key, Deadline deadline, Environment env) {
        return start(targets, required, Optional.empty(), nodes, tenant, key, deadline, env);
    }

    /** Asks every target at once; the quorum also needs what {@code also} says, if anything. */
    public static ReplicaReadRound start(List<StorageNode> targets, int required, Optional<AlsoAmong> also,
                                         StorageNodes nodes, TenantId tenant, String key, Deadline deadline,
                                         Environment env) {
        return new ReplicaReadRound(targets, targets.size(), required, also, Optional.empty(), nodes, tenant, key,
                deadline, env);
    }

    /**
     * Asks only the first {@code required} targets; the others are spares: one is asked for each
     * asked replica that fails, and all that are left once {@code speculateAfter} has passed
     * without a quorum (a replica that is slow, not failed). The quorum counts the same replicas
     * as {@link #start}, so R + W > N holds as before; {@link #settled()} completes once every
     * replica asked has answered.
     */
    public static ReplicaReadRound startWithSpares(List<StorageNode> targets, int required, Duration speculateAfter,
                                                   StorageNodes nodes, TenantId tenant, String key, Deadline deadline,
                                                   Environment env) {
        return startWithSpares(targets, required, Optional.empty(), speculateAfter, nodes, tenant, key, deadline, env);
    }

    /**
     * {@link #startWithSpares(List, int, Duration, StorageNodes, TenantId, String, Deadline, Environment)} whose
     * quorum also needs what {@code also} says: the members of its subset are asked first, as many as it needs.
     */
    public static ReplicaReadRound startWithSpares(List<StorageNode> targets, int required, Optional<AlsoAmong> also,
                                                   Duration speculateAfter, StorageNodes nodes, TenantId tenant,
                                                   String key, Deadline deadline, Environment env) {
        return new ReplicaReadRound(targets, Math.min(required, targets.size()), required, also,
                Optional.of(speculateAfter), nodes, tenant, key, deadline, env);
    }

    public CompletableFuture<Replies> quorum() {
        return quorum;
    }

    public CompletableFuture<Replies> settled() {
        return settled;
    }

    private void ask(StorageNode node) {
        CompletableFuture<Optional<Version>> read = Futures.started(
                () -> nodes.read(node, tenant, key, deadline.remaining(env.clock())));
        long askedAt = env.clock().nowMillis();
        read.whenComplete((version, error) -> {
            if (error == null) {
                env.latencies().record(node.id(), Duration.ofMillis(Math.max(0, env.clock().nowMillis() - askedAt)));
            }
            answered(node, version, error);
        });
    }

    private void askTheSpares() {
        List<StorageNode> late;
        synchronized (this) {
            if (quorum.isDone()) {
                return;
            }
            late = List.copyOf(spares);
            spares.clear();
            asked += late.size();
            speculative.addAll(late);
        }
        if (!late.isEmpty()) {
            env.events().speculationSent();
        }
        late.forEach(this::ask);
    }

    private void answered(StorageNode node, Optional<Version> version, Throwable error) {
        Replies quorumReached = null;
        Replies allIn = null;
        StorageNode replacement = null;
        boolean wonBySpeculation = false;
        synchronized (this) {
            if (settled.isDone()) {
                return;
            }
            answered++;
            QuorumTracker.Status status;
            if (error == null) {
                answers.put(node, version);
                status = count.success(node);
            } else {
                status = count.failure(node);
                if (status == QuorumTracker.Status.PENDING && !spares.isEmpty()) {
                    replacement = nextSpare();
                    asked++;
                }
            }
            if (!quorum.isDone() && status != QuorumTracker.Status.PENDING) {
                quorumReached = snapshot(status == QuorumTracker.Status.REACHED ? Status.REACHED : Status.FAILED);
                wonBySpeculation = quorumReached.status() == Status.REACHED
                        && answers.keySet().stream().anyMatch(speculative::contains);
            }
            // spares left once the quorum is decided are never asked
            if (answered == asked && (spares.isEmpty() || quorumReached != null || quorum.isDone())) {
                allIn = snapshot(quorumReached != null ? quorumReached.status()
                        : quorum.isDone() ? quorum.join().status() : Status.FAILED);
            }
        }
        // complete outside the lock: dependants run on this thread
        if (wonBySpeculation) {
            env.events().speculationWon();
        }
        if (quorumReached != null) {
            speculation.cancel();
            quorum.complete(quorumReached);
        }
        if (allIn != null) {
            timer.cancel();
            settled.complete(allIn);
        }
        if (replacement != null) {
            ask(replacement);
        }
    }

    /** The spare to ask for one that failed: a member of the subset while the subset still needs answers. */
    private StorageNode nextSpare() {
        for (StorageNode spare : spares) {
            if (count.wantedBySubset(spare.id())) {
                spares.remove(spare);
                return spare;
            }
        }
        return spares.poll();
    }

    private void deadlinePassed() {
        speculation.cancel();
        Replies timedOut;
        synchronized (this) {
            timedOut = snapshot(count.status() == QuorumTracker.Status.REACHED ? Status.REACHED : Status.TIMED_OUT);
        }
        quorum.complete(timedOut);
        settled.complete(timedOut);
    }

    private Replies snapshot(Status status) {
        return new Replies(status, answers, count.overall().failures(), count.overall().required());
    }
}
