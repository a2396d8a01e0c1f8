package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupEvents;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupSettings;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.cleanup.RunCleanup;
import io.pairdb.core.hints.DropReason;
import io.pairdb.core.hints.ImmediateReplay;
import io.pairdb.core.hints.ReplayHintsWhenNodesLeave;
import io.pairdb.core.hints.ReplayHintsWhenNodesReturn;
import io.pairdb.core.hints.ExpireHints;
import io.pairdb.core.hints.HintEvents;
import io.pairdb.core.hints.HintSettings;
import io.pairdb.core.hints.HintTally;
import io.pairdb.core.hints.ReplayHints;
import io.pairdb.core.hints.ReplayReport;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.replication.RequestEvents;
import io.pairdb.core.tenant.TenantEvents;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.read.CoordinateRead;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.read.RepairReplicas;
import io.pairdb.core.repair.RepairDueTenants;
import io.pairdb.core.repair.RepairRange;
import io.pairdb.core.repair.RepairSchedule;
import io.pairdb.core.repair.RepairSettings;
import io.pairdb.core.repair.RepairTenants;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.AddNode;
import io.pairdb.core.topology.ChangeEvents;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeReplicationFactor;
import io.pairdb.core.topology.ChangeSettings;
import io.pairdb.core.topology.ClusterStores;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.liveness.DetectFailures;
import io.pairdb.core.topology.RunChangeDrivers;
import io.pairdb.core.topology.UncleanedCopies;
import io.pairdb.core.topology.EpochFence;
import io.pairdb.core.liveness.FailureDetector;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.RemoveNode;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.topology.StreamRanges;
import io.pairdb.core.topology.StreamThrottle;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.version.CoordinatorIdLease;
import io.pairdb.core.write.CoordinateWrite;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One coordinator machine: its skewed clock, and the coordinator process on it, wired from the
 * real core classes the way the application wires them, with the application's periodic tasks
 * (failure detection, ring refresh and epoch notifications, heartbeats, change take-over, hint
 * replay and expiry, cleanup, id lease renewal). A crash ends the process with everything it held
 * in memory; a restart builds a new one, which leases a coordinator id again.
 */
final class SimCoordinator {
    final String endpoint;
    final SkewedClock clock;
    private final World world;
    private final Kernel kernel;
    private final SimConfig config;
    private int incarnations;
    private Process process;
    /** The changes this coordinator's process drives, as it believes (a paused driver still does). */
    private final Set<ChangeId> driving = new LinkedHashSet<>();

    SimCoordinator(World world, int number, SkewedClock clock) {
        this.world = world;
        this.kernel = world.kernel();
        this.config = world.config();
        this.endpoint = "c" + number;
        this.clock = clock;
    }

    /** The running process, if it has started serving. */
    Optional<Process> serving() {
        return Optional.ofNullable(process).filter(p -> p.serving);
    }

    boolean up() {
        return process != null;
    }

    /** Whether this coordinator's process drives a topology change. */
    boolean drivesAChange() {
        return process != null && !driving.isEmpty();
    }

    /** Starts a new process (after a crash, or at the beginning); it serves once it has an id and the ring. */
    void start() {
        driving.clear();
        incarnations++;
        Process p = new Process(new Kernel.Owner(endpoint + "#" + incarnations));
        process = p;
        kernel.after(0, p.owner, "start", p::boot);
    }

    /** Stops this coordinator's process until {@code untilMicros}, its memory kept (see {@link Kernel#pause}). */
    void pause(long untilMicros) {
        Process p = process;
        if (p != null) {
            world.trace().line(endpoint, "PAUSE (" + p.owner + ") until " + Trace.time(untilMicros).trim());
            kernel.pause(p.owner, untilMicros);
        }
    }

    /** Ends a pause now. */
    void resume() {
        Process p = process;
        if (p != null && kernel.paused(p.owner)) {
            kernel.resume(p.owner);
            world.trace().line(endpoint, "resumed (" + p.owner + ")");
        }
    }

    void crash() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        world.trace().line(endpoint, "CRASH (" + p.owner + (p.id == null ? "" : ", id " + p.id) + ")");
        kernel.kill(p.owner);
        world.clients().coordinatorCrashed(this);
    }

    /** One coordinator process: everything it holds lives and dies with it. */
    final class Process {
        final Kernel.Owner owner;
        private final String instance;
        private boolean serving;
        String id;
        private StoreClients stores;
        private SimStorage storage;
        private ClusterTopology topology;
        private FailureDetector detector;
        private DetectFailures detection;
        private TenantService tenants;
        private CoordinateWrite writes;
        private CoordinateRead reads;
        private ReplayHints replay;
        private ExpireHints expiry;
        private EpochFence fence;
        private RunChangeDrivers driver;
        private AddNode addNode;
        private RemoveNode removeNode;
        private ChangeReplicationFactor changeRf;
        private RunCleanup cleanup;
        private RepairTenants repairs;
        private RepairDueTenants schedule;
        private CoordinatorIds ids;
        /** The id clock entries are issued under while its lease holds, kept as the application keeps it. */
        private CoordinatorIdLease clockLease;

        Process(Kernel.Owner owner) {
            this.owner = owner;
            this.instance = owner.name;
        }

        private void boot() {
            stores = new StoreClients(world, owner, endpoint, clock);
            storage = new SimStorage(world, owner, endpoint, () -> clockLease == null ? null : clockLease.lastId());
            ids = stores.ids();
            try {
                long requested = clock.nowMillis();
                id = ids.claim(instance, config.idLease);
                clockLease = CoordinatorIdLease.leased(id, requested + config.idLease.toMillis());
                topology = new ClusterTopology(stores.topology(), clock, config.staleAfter);
                topology.reload();
            } catch (PairDbException e) {
                world.trace().line(endpoint, "start failed, retrying: " + e.getMessage());
                kernel.after(Duration.ofSeconds(1), owner, "start", this::boot);
                return;
            }
            wire();
            serving = true;
            world.trace().line(endpoint, "serving as " + id + " (" + owner + "), ring epoch " + topology.current().epoch()
                    + ", clock " + clock);
            guarded("heartbeat", () -> confirm("started"));
            every("probe", config.probeInterval, config.probeInterval, detection::probeAll);
            every("refresh", config.refreshInterval, config.refreshInterval, () -> refresh("polled"));
            every("heartbeat", config.heartbeatInterval, config.heartbeatInterval, () -> confirm("heartbeat"));
            every("take over", config.takeoverInterval, config.takeoverInterval, this::takeOver);
            every("replay hints", config.hintReplayInterval, config.hintReplayInterval, this::replayPending);
            every("expire hints", config.hintExpiryInterval, config.hintExpiryInterval, expiry::expire);
            every("cleanup", config.cleanupInterval, config.cleanupInterval, this::runCleanup);
            every("renew id", config.idRenewal, config.idRenewal, this::renewId);
            if (config.antiEntropy) {
                Duration look = config.repairEvery.dividedBy(4);
                every("repair", look, look, this::repairDue);
            }
        }

        private void wire() {
            Scheduler scheduler = new SimScheduler(kernel, owner);
            Environment env = new Environment(clock, scheduler, RequestEvents.NONE, config.coordinatorSettings());
            tenants = new TenantService(stores.tenants(), topology, clock, TenantEvents.NONE,
                    new TenantService.Settings(3, 5, Duration.ofMinutes(5)));
            ClockIssuer clocks = new ClockIssuer(clockLease, clock, config.maxClockEntries);
            writes = new CoordinateWrite(tenants, topology, storage, stores.idempotency(), stores.hints(), clocks, env);
            reads = new CoordinateRead(tenants, topology, storage, new RepairReplicas(storage, env), env);

            HintSettings hintSettings = new HintSettings(id, 100, Duration.ofSeconds(1), 3, config.hintTtl,
                    Duration.ofSeconds(20), Duration.ofSeconds(5));
            HintTally tally = new HintTally(id, new TracedHintEvents(), clock.now());
            replay = new ReplayHints(stores.hints(), storage, topology, tenants, tally, env, hintSettings);
            expiry = new ExpireHints(stores.hints(), tally, clock, config.hintTtl);

            detector = new FailureDetector(config.failuresBeforeDown);
            // the core's decisions as the app wires them: a node seen UP or removed has its hints replayed at once
            ImmediateReplay immediate = new ImmediateReplay(replay, (report, error) -> expected("hint replay", error));
            detection = new DetectFailures(topology, storage, detector, scheduler, config.probeTimeout,
                    new ReplayHintsWhenNodesReturn(this::livenessChanged, immediate), env.latencies()::answers);

            ChangeSettings changeSettings = new ChangeSettings(instance,
                    new ChangeSettings.Coordination(config.lease, config.livenessTimeout, Duration.ofMinutes(2),
                            config.settleDelay),
                    new ChangeSettings.Streaming(config.streamFailureTimeout, Duration.ofSeconds(1), Duration.ofSeconds(10),
                            config.batchEntries, 1024 * 1024, config.storageTimeout, Duration.ofSeconds(1),
                            ChangeSettings.DEFAULT_STREAM_CONCURRENCY),
                    new ChangeSettings.NodeChecks(Duration.ofSeconds(2)));
            ClusterStores changeStores = new ClusterStores(stores.topology(), stores.tenants(), stores.changes());
            CoordinatorRegistry registry = stores.registry();
            fence = new EpochFence(registry, topology, instance, config.livenessTimeout);
            driver = new RunChangeDrivers(stores.changes(), topology, fence, new StreamRanges(storage, scheduler, changeSettings,
                    new StreamThrottle(clock, StreamThrottle.UNLIMITED)),
                    storage, scheduler, clock, changeSettings, new ReplayHintsWhenNodesLeave(new Changes(), immediate),
                    new UncleanedCopies(stores.cleanups(), clock, CleanupSettings.handoverWindowFor(config.tombstoneGcGrace)));
            addNode = new AddNode(changeStores, driver, storage, scheduler, clock, changeSettings);
            removeNode = new RemoveNode(changeStores, storage, driver, scheduler, clock, changeSettings);
            changeRf = new ChangeReplicationFactor(changeStores, driver, clock, tenants.settings());
            CleanupSettings cleanupSettings = new CleanupSettings(instance, config.cleanupGrace, Duration.ofMinutes(2), 32,
                    config.storageTimeout, 500, CleanupSettings.handoverWindowFor(config.tombstoneGcGrace));
            cleanup = new RunCleanup(stores.cleanups(), changeStores, topology, storage, clock, cleanupSettings, new Cleanups());
            repairs = new RepairTenants(topology, tenants, stores.repairs(),
                    new RepairRange(storage, new RepairSettings(4, 8, 12, config.storageTimeout, config.batchEntries)),
                    (tenant, outcome, dryRun) -> world.trace().debug(endpoint, () -> "repair of " + tenant + ": " + outcome),
                    clock, new RepairTenants.Runner(instance, config.lease));
            // as the application's: unthrottled here (the simulation's storage has no bandwidth to share)
            schedule = new RepairDueTenants(tenants, stores.repairClaims(), repairs, clock, pause -> {
            }, new RepairSchedule(config.antiEntropy ? config.repairEvery : Duration.ZERO, config.lease, 0), instance);
        }

        // ---- requests ---------------------------------------------------------------------------------

        CompletableFuture<WriteOutcome> write(WriteCommand command) {
            return writes.execute(command);
        }

        CompletableFuture<ReadOutcome> read(ReadCommand command) {
            return reads.execute(command);
        }

        TenantService.CreateOutcome createTenant(TenantId tenant, int rf) {
            return tenants.create(tenant, Optional.of(rf));
        }

        StartOutcome add(SimNode node) {
            return addNode.add(node.id, node.host, node.port, config.vnodes);
        }

        StartOutcome remove(NodeId node, boolean force) {
            return removeNode.remove(node, force);
        }

        ChangeReplicationFactor.Outcome changeRf(TenantId tenant, int rf) {
            return changeRf.change(tenant, rf);
        }

        /** PostgreSQL's NOTIFY of a new ring epoch: reload and report it at once. */
        void epochNotified() {
            if (!serving) {
                return;
            }
            guarded("epoch notification", () -> confirm("notified"));
        }

        Liveness liveness(NodeId node) {
            return topology.current().node(node).map(n -> n.liveness()).orElse(Liveness.UP);
        }

        long servedEpoch() {
            return topology.current().epoch();
        }

        // ---- periodic tasks -----------------------------------------------------------------------------

        private void refresh(String how) {
            long before = topology.current().epoch();
            traceEpoch(before, topology.refresh().epoch(), how);
        }

        /**
         * As the application's heartbeat: reload the ring, report the epoch served, and only then count
         * the view as confirmed; a coordinator that cannot for {@code staleAfter} answers TOPOLOGY_STALE.
         */
        private void confirm(String how) {
            long before = topology.current().epoch();
            fence.confirmServedEpoch();
            traceEpoch(before, topology.current().epoch(), how);
        }

        private void traceEpoch(long before, long after, String how) {
            if (after != before) {
                world.trace().line(endpoint, "serves ring epoch " + after + " (" + how + ")");
            }
        }

        private void takeOver() {
            List<TopologyChange> taken = driver.takeOverAbandoned();
            taken.forEach(c -> world.trace().line(endpoint, "took over change " + c.id()));
        }

        private void replayPending() {
            replay.replayPending(node -> detector.consecutiveFailures(node) == 0)
                    .whenComplete((reports, error) -> expected("periodic hint replay", error));
        }

        private void runCleanup() {
            if (world.cleanupStopped()) {
                return;
            }
            RunCleanup.Report report = cleanup.run();
            if (report.attempted() > 0) {
                world.trace().line(endpoint, "cleanup: " + report.deleted() + " ranges deleted (" + report.keysDeleted()
                        + " entries), " + report.skipped() + " skipped, " + report.kept() + " kept");
            }
        }

        /**
         * The application's repair schedule, its state in the shared stores (PostgreSQL's): each
         * coordinator looks four times a period for tenants with a range unrepaired for a period, and
         * repairs those it claims first.
         */
        private void repairDue() {
            for (RepairDueTenants.Scheduled done : schedule.repairDue()) {
                world.trace().line(endpoint, "scheduled repair of " + done.tenant() + ": " + switch (done) {
                    case RepairDueTenants.Scheduled.Repaired r -> "done, " + r.report().keysDiffering()
                            + " keys differed; every range repaired as of " + r.repairedAsOf();
                    case RepairDueTenants.Scheduled.Incomplete i -> "incomplete, " + i.why();
                });
            }
        }

        /** As the application renews its id: a lost id is replaced by a fresh one, and clocks follow it. */
        private void renewId() {
            String current = clockLease.lastId();
            long requested = clock.nowMillis();
            switch (ids.renew(current, instance, config.idLease)) {
                case RENEWED -> clockLease.heldUntil(current, requested + config.idLease.toMillis());
                case LOST -> {
                    clockLease.lost();
                    world.trace().line(endpoint, "lost the lease on coordinator id " + current);
                    long claimed = clock.nowMillis();
                    String fresh = ids.claim(instance, config.idLease);
                    clockLease.heldUntil(fresh, claimed + config.idLease.toMillis());
                    world.trace().line(endpoint, "issues clocks as " + fresh + " from now on");
                }
            }
        }

        private void livenessChanged(DetectFailures.Transition t) {
            world.trace().line(endpoint, "sees " + t.node().id() + " " + t.now()
                    + t.lastFailure().map(w -> " (" + w + ")").orElse(""));
        }

        /** The end of each hint replay run goes into the trace; the counts the simulation does not need. */
        private final class TracedHintEvents implements HintEvents {
            @Override
            public void replayEnded(ReplayReport r) {
                if (r.delivered() + r.failed() + r.droppedTotal() > 0) {
                    world.trace().line(endpoint, "hint replay to " + r.target() + " ended " + r.ending() + ": "
                            + r.delivered() + " delivered, " + r.failed() + " failed, " + r.droppedTotal() + " dropped");
                }
            }

            @Override
            public void replayed(NodeId target, long count) {
            }

            @Override
            public void replayFailed(NodeId target, long count) {
            }

            @Override
            public void dropped(NodeId target, DropReason reason, long count) {
            }

            @Override
            public void pending(NodeId target, long count) {
            }

            @Override
            public void oldestPending(NodeId target, Optional<Duration> age) {
            }
        }

        private void every(String name, Duration first, Duration interval, Runnable task) {
            kernel.after(first, owner, name, () -> {
                guarded(name, task);
                every(name, interval, interval, task);
            });
        }

        private void guarded(String name, Runnable task) {
            try {
                task.run();
            } catch (PairDbException e) {
                world.trace().debug(endpoint, () -> name + " failed: " + e.getMessage());
            }
        }

        /** A background future that failed: an infrastructure failure is expected, anything else is not. */
        private void expected(String what, Throwable error) {
            if (error == null) {
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Kernel.Killed) {
                return;
            }
            if (!(cause instanceof PairDbException)) {
                kernel.unexpected(endpoint + ": " + what + " failed with " + Trace.describe(cause));
            }
        }
    }

    private final class Changes implements ChangeEvents {
        @Override
        public void started(TopologyChange change) {
            driving.add(change.id());
            world.trace().line(endpoint, "started change " + change.id() + " (" + change.subject() + ", "
                    + change.streams().size() + " streams, epoch " + change.ringEpoch() + ")");
        }

        @Override
        public void resumed(TopologyChange change) {
            driving.add(change.id());
            world.trace().line(endpoint, "resumed change " + change.id());
        }

        @Override
        public void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind) {
            world.trace().debug(endpoint, () -> "change " + change.id() + " waits for " + behind.size()
                    + " coordinators to serve epoch " + epoch);
        }

        @Override
        public void streamProgressed(TopologyChange change, RangeStream before, RangeStream after) {
            // every batch: the trace keeps the streams' starts, failures and losses, not their progress
        }

        @Override
        public void fenced(TopologyChange change) {
            world.trace().line(endpoint, "change " + change.id() + ": every coordinator serves epoch "
                    + change.ringEpoch() + ", streaming after the settle delay");
        }

        @Override
        public void streamLost(TopologyChange change, RangeStream stream, String why) {
            world.trace().line(endpoint, "change " + change.id() + " stream " + stream.index() + ": " + why);
        }

        @Override
        public void handedOver(TopologyChange change, long epoch) {
            world.trace().line(endpoint, "change " + change.id() + ": streamed, handed over at epoch " + epoch
                    + "; ends once every coordinator serves it");
        }

        @Override
        public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
            world.trace().debug(endpoint, () -> "change " + change.id() + " stream " + stream.index() + " failed: " + error);
        }

        @Override
        public void ended(TopologyChange change) {
            driving.remove(change.id());
            world.trace().line(endpoint, "change " + change.id() + " ended " + change.status()
                    + change.error().map(e -> ": " + e).orElse(""));
        }

        @Override
        public void leaseLost(ChangeId change) {
            driving.remove(change);
            world.trace().line(endpoint, "lost the lease of change " + change);
        }

        @Override
        public void stepFailed(ChangeId change, RuntimeException error) {
            if (error instanceof PairDbException) {
                world.trace().debug(endpoint, () -> "change " + change + " step failed: " + error.getMessage());
            } else {
                kernel.unexpected(endpoint + ": change " + change + " step threw " + Trace.describe(error));
            }
        }
    }

    private final class Cleanups implements CleanupEvents {
        @Override
        public void attempted(RangeCleanup range, CleanupOutcome outcome) {
            world.trace().debug(endpoint, () -> "cleanup of " + range.change() + "#" + range.release().index() + " on "
                    + range.release().node() + ": " + outcome);
        }

        @Override
        public void forced(ChangeCleanup cleanup, CleanupOrder order) {
            world.trace().line(endpoint, "cleanup of " + cleanup.change() + " forced: " + order.reason());
        }
    }
}
