package io.pairdb.core.replication;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one key from several replicas at once. {@link #quorum()} completes as soon as the
 * required answers are in (or can no longer come, or the deadline passes);
 * {@link #settled()} completes when every replica has answered or failed, or at the
 * deadline — late answers are what read repair works from.
 */
public final class ReplicaReadRound {
    public enum Status { REACHED, FAILED, TIMED_OUT }

    /** The answers so far: a replica's version (empty = it holds none) per node that answered. */
    public record Replies(Status status, Map<StorageNode, Optional<Version>> answers, int failures, int required) {
        public Replies {
            answers = Map.copyOf(answers);
        }

        public List<Version> versions() {
            return answers.values().stream().flatMap(Optional::stream).toList();
        }
    }

    private final QuorumTracker tracker;
    private final Map<StorageNode, Optional<Version>> answers = new LinkedHashMap<>();
    private final CompletableFuture<Replies> quorum = new CompletableFuture<>();
    private final CompletableFuture<Replies> settled = new CompletableFuture<>();
    private final Scheduler.Cancellable timer;

    private ReplicaReadRound(List<StorageNode> targets, int required, StorageNodes nodes, TenantId tenant, String key,
                             Deadline deadline, Environment env) {
        this.tracker = new QuorumTracker(required, targets.size());
        this.timer = env.scheduler().schedule(deadline.remaining(env.clock()), this::deadlinePassed);
        for (StorageNode node : targets) {
            nodes.read(node, tenant, key, deadline.remaining(env.clock()))
                    .whenComplete((version, error) -> answered(node, version, error));
        }
    }

    public static ReplicaReadRound start(List<StorageNode> targets, int required, StorageNodes nodes, TenantId tenant,
                                         String key, Deadline deadline, Environment env) {
        return new ReplicaReadRound(targets, required, nodes, tenant, key, deadline, env);
    }

    public CompletableFuture<Replies> quorum() {
        return quorum;
    }

    public CompletableFuture<Replies> settled() {
        return settled;
    }

    private void answered(StorageNode node, Optional<Version> version, Throwable error) {
        Replies quorumReached = null;
        Replies allIn = null;
        synchronized (this) {
            if (settled.isDone()) {
                return;
            }
            QuorumTracker.Status status;
            if (error == null) {
                answers.put(node, version);
                status = tracker.success();
            } else {
                status = tracker.failure();
            }
            if (!quorum.isDone() && status != QuorumTracker.Status.PENDING) {
                quorumReached = snapshot(status == QuorumTracker.Status.REACHED ? Status.REACHED : Status.FAILED);
            }
            if (tracker.outstanding() == 0) {
                allIn = snapshot(quorumReached != null ? quorumReached.status()
                        : quorum.isDone() ? quorum.join().status() : Status.FAILED);
            }
        }
        // complete outside the lock: dependants run on this thread
        if (quorumReached != null) {
            quorum.complete(quorumReached);
        }
        if (allIn != null) {
            timer.cancel();
            settled.complete(allIn);
        }
    }

    private void deadlinePassed() {
        Replies timedOut;
        synchronized (this) {
            timedOut = snapshot(tracker.status() == QuorumTracker.Status.REACHED ? Status.REACHED : Status.TIMED_OUT);
        }
        quorum.complete(timedOut);
        settled.complete(timedOut);
    }

    private Replies snapshot(Status status) {
        return new Replies(status, answers, tracker.failures(), tracker.required());
    }
}
