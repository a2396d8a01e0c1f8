package io.pairdb.core.topology;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.DriveChange.Ending;
import io.pairdb.core.topology.DriveChange.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the {@link DriveChange}s of this coordinator on the {@link Scheduler}, each step
 * scheduled by the one before, and takes over changes whose driver went silent: whoever drives
 * it calls {@link #takeOverAbandoned()} on an interval, and the change resumes from its persisted
 * progress here. Besides the steps, each change's lease is renewed every third of it, so a step
 * that takes longer than the lease does not cost it (see {@link DriveChange#renewLease()}).
 * Thread-safe.
 */
public final class RunChangeDrivers {
    /** A change driven here; the lock keeps its steps, and the stop, one at a time. */
    private record Running(DriveChange driver, CompletableFuture<Ending> ending, ReentrantLock lock) {
        Running(DriveChange driver) {
            this(driver, new CompletableFuture<>(), new ReentrantLock());
        }
    }

    /** How long a stop waits for a step under way (a storage call can take up to its timeout). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final ChangeStore store;
    private final ClusterTopology topology;
    private final EpochFence fence;
    private final StreamRanges streaming;
    private final NodeProbe probe;
    private final Scheduler scheduler;
    private final Clock clock;
    private final ChangeSettings settings;
    private final ChangeEvents events;
    private final UncleanedCopies uncleaned;
    private final Map<ChangeId, Running> running = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /**
     * {@code health} asks the node of a forced removal whether it answers again before the removal
     * streams; {@code uncleaned} refuses a change that would make a node a replica again of a copy
     * left on it too long ago.
     */
    public RunChangeDrivers(ChangeStore store, ClusterTopology topology, EpochFence fence, StreamRanges streaming,
                            StorageHealth health, Scheduler scheduler, Clock clock, ChangeSettings settings,
                            ChangeEvents events, UncleanedCopies uncleaned) {
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.fence = Objects.requireNonNull(fence, "fence");
        this.streaming = Objects.requireNonNull(streaming, "streaming");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.uncleaned = Objects.requireNonNull(uncleaned, "uncleaned");
        this.probe = new NodeProbe(health, scheduler, settings.nodeChecks().healthTimeout());
    }

    /**
     * Starts driving a change this coordinator holds the lease of (it just started it or claimed
     * it), unless it already does. The future says how the driving ended here.
     */
    public CompletableFuture<Ending> drive(TopologyChange change) {
        if (!change.inProgress()) {
            return CompletableFuture.completedFuture(Ending.COMPLETED);
        }
        Running[] created = new Running[1];
        Running run = running.computeIfAbsent(change.id(), id -> created[0] = new Running(
                new DriveChange(change, store, topology, fence, streaming, probe, clock, settings, events)));
        if (run == created[0]) {
            scheduler.schedule(Duration.ZERO, () -> step(run));
            renewWhileDriven(run);
        }
        return run.ending();
    }

    /** Renews the change's lease every third of it, whether or not a step is under way, until the driving ends. */
    private void renewWhileDriven(Running run) {
        scheduler.schedule(settings.coordination().lease().dividedBy(3), () -> {
            if (run.ending().isDone() || stopped) {
                return;
            }
            try {
                run.driver().renewLease();
            } catch (RuntimeException e) {
                events.stepFailed(run.driver().id(), e);
            }
            renewWhileDriven(run);
        });
    }

    /** Whether another coordinator is live, so a change started here must wait for it to serve the change's epochs. */
    boolean othersLive() {
        return fence.othersLive();
    }

    /**
     * Stores a new change (see {@link ChangeStore#start}), serves its epoch here at once and
     * drives it. Empty when the epoch moved since the change was planned: plan again. Refused as
     * conflicting when it streams to a node a copy it must not adopt again (see {@link UncleanedCopies}).
     */
    Optional<StartOutcome> start(TopologyChange change, List<RangeRelease> releases, StorageNode node, long expectedEpoch) {
        Optional<ChangeConflicts.Conflict> left = uncleaned.find(change);
        if (left.isPresent()) {
            return Optional.of(new StartOutcome.Conflicting(left.get().other(), left.get().reason()));
        }
        switch (store.start(change, RangeRelease.withRollback(releases, change.streams()), node, expectedEpoch,
                settings.coordinatorId(), settings.coordination().lease())) {
            case ChangeStore.Start.Started started -> {
                events.started(started.change());
                drive(started.change());
                // after drive(): if the reload fails, the change is still driven (it waits for this epoch anyway)
                double share = topology.reload().currentRing().ownershipPercent().getOrDefault(node.id(), 0.0);
                return Optional.of(new StartOutcome.Started(started.change(), node, started.epoch(), share));
            }
            case ChangeStore.Start.EpochMoved moved -> {
                return Optional.empty();
            }
            case ChangeStore.Start.CleanupRunning cleanup -> {
                return Optional.of(new StartOutcome.Conflicting(cleanup.cleanupOf(), cleanup.reason()));
            }
            case ChangeStore.Start.RepairRunning repair -> {
                return Optional.of(new StartOutcome.RepairRunning(repair.run(), repair.reason()));
            }
        }
    }

    /**
     * Stores a new replication factor change (see {@link ChangeStore#startReplication}) and, once
     * it is stored, serves its epoch here at once and drives it. Answers what the store answered,
     * or, without asking it, {@code CleanupRunning} for a copy the change must not adopt again
     * (see {@link UncleanedCopies}).
     */
    ChangeStore.Start startReplication(TopologyChange change, List<RangeRelease> releases, Tenant tenant,
                                       long expectedTenantVersion, long expectedEpoch) {
        Optional<ChangeConflicts.Conflict> left = uncleaned.find(change);
        if (left.isPresent()) {
            return new ChangeStore.Start.CleanupRunning(left.get().other(), left.get().reason());
        }
        ChangeStore.Start start = store.startReplication(change, RangeRelease.withRollback(releases, change.streams()),
                tenant, expectedTenantVersion, expectedEpoch, settings.coordinatorId(), settings.coordination().lease());
        if (start instanceof ChangeStore.Start.Started started) {
            events.started(started.change());
            drive(started.change());
            topology.reload();
        }
        return start;
    }

    /**
     * Claims every change whose lease ran out and drives it. Returns the changes taken over.
     *
     * @throws PairDbException if the store cannot be reached
     */
    public List<TopologyChange> takeOverAbandoned() {
        List<TopologyChange> taken = new ArrayList<>();
        while (!stopped) {
            Optional<TopologyChange> claimed = store.claimAbandoned(settings.coordinatorId(), settings.coordination().lease());
            if (claimed.isEmpty()) {
                break;
            }
            taken.add(claimed.get());
            events.resumed(claimed.get());
            drive(claimed.get());
        }
        return taken;
    }

    /** The changes being driven here now. */
    public Set<ChangeId> driving() {
        return Set.copyOf(running.keySet());
    }

    /** How the driving of the change ends here, if it is driven here. */
    public Optional<CompletableFuture<Ending>> ending(ChangeId id) {
        return Optional.ofNullable(running.get(id)).map(Running::ending);
    }

    /**
     * Stops driving (shutdown): saves the progress of each change and leaves it IN_PROGRESS, so
     * another coordinator resumes it once the lease runs out. A step under way gets a moment to
     * finish; if it takes longer, that change's progress since its last checkpoint is left for
     * the successor to copy again.
     */
    public void stop() {
        stopped = true;
        for (Running run : running.values()) {
            boolean locked = false;
            try {
                locked = run.lock().tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!locked) {
                continue;
            }
            try {
                run.driver().saveProgress();
            } catch (PairDbException e) {
                events.stepFailed(run.driver().id(), e);
            } finally {
                end(run, Ending.LEASE_LOST);
                run.lock().unlock();
            }
        }
    }

    private void step(Running run) {
        Step next;
        run.lock().lock();
        try {
            if (run.ending().isDone()) {
                return;
            }
            if (stopped) {
                end(run, Ending.LEASE_LOST);
                return;
            }
            try {
                next = run.driver().step();
            } catch (RuntimeException e) {
                events.stepFailed(run.driver().id(), e);
                next = new Step.Wait(settings.streaming().retryBackoffInitial());
            }
            if (next instanceof Step.Ended ended) {
                end(run, ended.ending());
                return;
            }
        } finally {
            run.lock().unlock();
        }
        switch (next) {
            case Step.Continue c -> scheduler.schedule(Duration.ZERO, () -> step(run));
            case Step.Wait w -> scheduler.schedule(w.pause(), () -> step(run));
            case Step.WaitFor w -> {
                AtomicBoolean once = new AtomicBoolean();
                Runnable again = () -> {
                    if (once.compareAndSet(false, true)) {
                        step(run);
                    }
                };
                Scheduler.Cancellable timer = scheduler.schedule(w.atMost(), again);
                w.event().whenComplete((value, error) -> {
                    timer.cancel();
                    scheduler.execute(again);
                });
            }
            case Step.Ended e -> throw new IllegalStateException("handled above");
        }
    }

    /** Called holding the run's lock. */
    private void end(Running run, Ending ending) {
        run.driver().close();
        running.remove(run.driver().id(), run);
        run.ending().complete(ending);
    }
}
