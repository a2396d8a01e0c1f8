package io.pairdb.core.replication;

import io.pairdb.core.Futures;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one version to every member of a write set at once and answers as soon as the
 * required acknowledgements are in. A member that has failed by then (an error, or marked
 * DOWN so no call is made) has its hint stored before the answer, waited for until the
 * deadline at most; a member still in flight does not delay the answer, and is hinted when it
 * fails later or, at the latest, when the deadline passes without its answer (a late success
 * after that leaves a redundant hint, which conditional apply makes harmless). A hint that
 * cannot be stored (or not by the deadline) is counted; it never fails the write.
 *
 * <p>A round may also require acknowledgements from a subset of the members ({@link AlsoAmong}).
 */
public final class ReplicaWriteRound {
    public enum Status { REACHED, FAILED, TIMED_OUT }

    public record Result(Status status, int acknowledged, int failed, int required) {
    }

    /** What is written where: the version and the key it belongs to. */
    public record Mutation(TenantId tenant, String key, Token token, Version version) {
        public Mutation {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(version, "version");
        }
    }


    private final Mutation mutation;
    private final Deadline deadline;
    private final Environment env;
    private final StoreHints hints;
    private final JointCount count;
    private final List<CompletableFuture<Void>> hintsBeforeAnswer = new ArrayList<>();
    /** Members called and not yet answered, or failed at the deadline. Guarded by {@code this}. */
    private final Map<NodeId, StorageNode> inFlight = new LinkedHashMap<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Scheduler.Cancellable timer;
    private boolean answered;
    /**
     * Members neither answered nor given up on (and hinted if they failed): at zero the round needs no
     * further hint, which {@link StoreHints#roundClosed} is told once. Guarded by {@code this}.
     */
    private int unsettled;

    private ReplicaWriteRound(List<StorageNode> targets, int required, Optional<AlsoAmong> subset, Mutation mutation,
                              Deadline deadline, StorageNodes nodes, StoreHints hints, Environment env) {
        this.mutation = mutation;
        this.deadline = deadline;
        this.env = env;
        this.hints = hints;
        this.count = new JointCount(required, targets, subset);
        synchronized (this) {
            targets.stream().filter(n -> n.liveness() != Liveness.DOWN).forEach(n -> inFlight.put(n.id(), n));
            unsettled = targets.size();
        }
        hints.roundOpened();
        try {
            this.timer = env.scheduler().scheduleDeadline(deadline.remaining(env.clock()), this::deadlinePassed);
        } catch (RuntimeException e) {
            // nothing was sent (the scheduler refused the timer: it has stopped): the round never settles
            hints.roundClosed();
            throw e;
        }
        for (StorageNode node : targets) {
            if (node.liveness() == Liveness.DOWN) {
                answered(node, new IllegalStateException("node " + node.id() + " is marked DOWN"));
            } else {
                CompletableFuture<StorageNodes.Applied> write = Futures.started(() -> nodes.write(node,
                        mutation.tenant(), mutation.key(), mutation.token(), mutation.version(),
                        deadline.remaining(env.clock())));
                write.whenComplete((applied, error) -> {
                    if (error == null) {
                        env.latencies().answered(node.id());
                    }
                    answered(node, error);
                });
            }
        }
    }

    public static ReplicaWriteRound start(List<StorageNode> targets, int required, Mutation mutation, Deadline deadline,
                                          StorageNodes nodes, StoreHints hints, Environment env) {
        return start(targets, required, Optional.empty(), mutation, deadline, nodes, hints, env);
    }

    public static ReplicaWriteRound start(List<StorageNode> targets, int required, Optional<AlsoAmong> subset,
                                          Mutation mutation, Deadline deadline, StorageNodes nodes, StoreHints hints,
                                          Environment env) {
        return new ReplicaWriteRound(targets, required, subset, mutation, deadline, nodes, hints, env);
    }

    public CompletableFuture<Result> result() {
        return result;
    }

    private void answered(StorageNode node, Throwable error) {
        Status decided = null;
        List<CompletableFuture<Void>> waitFor = List.of();
        boolean allSettled;
        boolean closing;
        synchronized (this) {
            boolean wasCalled = node.liveness() != Liveness.DOWN;
            if (wasCalled && inFlight.remove(node.id()) == null) {
                // already counted as failed and hinted when the deadline passed
                return;
            }
            allSettled = inFlight.isEmpty();
            QuorumTracker.Status status;
            if (error == null) {
                status = count.success(node);
            } else {
                status = count.failure(node);
                if (answered) {
                    storeHint(node, Optional.empty());
                } else {
                    hintsBeforeAnswer.add(storeHint(node, Optional.of(deadline)));
                }
            }
            if (!answered && status != QuorumTracker.Status.PENDING) {
                answered = true;
                decided = status == QuorumTracker.Status.REACHED ? Status.REACHED : Status.FAILED;
                waitFor = List.copyOf(hintsBeforeAnswer);
            }
            closing = --unsettled == 0;
        }
        if (allSettled) {
            timer.cancel();
        }
        if (closing) {
            hints.roundClosed();
        }
        if (decided != null) {
            answer(decided, waitFor);
        }
    }

    /**
     * Members still in flight have failed: each is hinted now, without delaying the answer any
     * further. The answer, if not given yet, is that the round timed out.
     */
    private void deadlinePassed() {
        List<CompletableFuture<Void>> waitFor;
        boolean closing;
        synchronized (this) {
            for (StorageNode straggler : inFlight.values()) {
                count.failure(straggler);
                storeHint(straggler, Optional.empty());
            }
            boolean hadStragglers = !inFlight.isEmpty();
            unsettled -= inFlight.size();
            inFlight.clear();
            closing = hadStragglers && unsettled == 0;
            if (answered) {
                waitFor = null;
            } else {
                answered = true;
                waitFor = List.copyOf(hintsBeforeAnswer);
            }
        }
        if (closing) {
            hints.roundClosed();
        }
        if (waitFor != null) {
            answer(Status.TIMED_OUT, waitFor);
        }
    }

    private void answer(Status status, List<CompletableFuture<Void>> waitFor) {
        CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            Result r;
            synchronized (this) {
                r = new Result(status, count.overall().successes(), count.overall().failures(), count.overall().required());
            }
            result.complete(r);
        });
    }

    private CompletableFuture<Void> storeHint(StorageNode node, Optional<Deadline> waitUntil) {
        Hint hint = Hint.forWrite(node.id(), mutation.tenant(), mutation.key(), mutation.token(), mutation.version(),
                env.clock().now());
        return hints.store(hint, waitUntil);
    }
}
