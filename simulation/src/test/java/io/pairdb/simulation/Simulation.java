package io.pairdb.simulation;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One run of the whole cluster, a pure function of its seed:
 *
 * <ol>
 *   <li>the cluster the seed chose starts (nodes registered NORMAL, tenants created, coordinators
 *       booted);</li>
 *   <li>the fault phase: clients run their workload while the nemesis injects faults and the operator
 *       changes the topology;</li>
 *   <li>every fault heals; the run waits until no request is in flight, no change in progress, no hint
 *       left, every coordinator sees every node UP and the cleanup grace has passed;</li>
 *   <li>cleanup stops, every key is read at {@code all} (which repairs its replicas), and after a
 *       pause for the repairs the {@link Checker} judges the history and what the nodes hold.</li>
 * </ol>
 */
final class Simulation {
    /** The true time at the start of every run (virtual time 0). */
    static final long EPOCH_MILLIS = 1_800_000_000_000L;
    private static final long SECOND = 1_000_000;

    /** What a run did and found. */
    record Result(long seed, SimConfig config, List<Checker.Violation> violations, int operations, long events,
                  long virtualMicros, long traceDigest, List<String> lastLines, World.Stats stats) {
        boolean passed() {
            return violations.isEmpty();
        }
    }

    private Simulation() {
    }

    static Result run(long seed, KnownDefects open, Trace trace) {
        return run(seed, open, trace, config -> { });
    }

    /** A run whose configuration, as the seed chose it, {@code adjust} changes before anything starts. */
    static Result run(long seed, KnownDefects open, Trace trace, java.util.function.Consumer<SimConfig> adjust) {
        SplittableRandom root = new SplittableRandom(seed);
        SimConfig config = SimConfig.choose(seed, root.split(), open);
        adjust.accept(config);
        Kernel kernel = new Kernel(trace);
        trace.clock(kernel::now);
        Network network = new Network(root.split(), new Network.Profile(config.messageLoss, config.messageTail));
        World world = new World(config, kernel, root.split(), network);
        SplittableRandom workload = root.split();
        SplittableRandom faults = root.split();
        SplittableRandom operator = root.split();
        SplittableRandom clocks = root.split();
        trace.line("sim", "seed " + seed + ": " + config.describe());
        DataLoss dataLoss = new DataLoss(world);
        world.dataLoss(dataLoss);
        Clients clients = new Clients(world, workload);
        world.clients(clients);
        Nemesis nemesis = new Nemesis(world, faults, dataLoss);
        try {
            setUp(world, clocks);
            kernel.runUntil(3 * SECOND);
            long faultsEnd = kernel.now() + Kernel.toMicros(config.faultPhase);
            clients.start(faultsEnd);
            nemesis.start(faultsEnd);
            Operator theOperator = new Operator(world, operator);
            world.operator(theOperator);
            theOperator.start(faultsEnd);
            kernel.runUntil(faultsEnd);

            nemesis.healAll();
            Checker checker = new Checker(world, dataLoss, open);
            settle(world, faultsEnd, checker, nemesis);
            // a cleanup that was skipped may yet hand a retired replica's entries back to the replicas
            // of their range (one that lost its data meanwhile, say): what the final reads find must
            // still be what the nodes hold when they are judged
            world.stopCleanup();
            Map<History.Key, History.Op> finalReads = readEverything(world);
            kernel.runUntil(kernel.now() + 30 * SECOND);
            List<Checker.Violation> violations = checker.check(finalReads);
            trace.line("sim", "checked " + world.history().ops().size() + " operations on " + world.history().keys().size()
                    + " keys: " + (violations.isEmpty() ? "no violation" : violations.size() + " violations"));
            return new Result(seed, config, violations, world.history().ops().size(), kernel.eventsRun(), kernel.now(),
                    trace.digest(), trace.lastLines(), world.stats());
        } finally {
            kernel.shutdown();
        }
    }

    private static void setUp(World world, SplittableRandom clocks) {
        SimConfig config = world.config();
        Instant at = Instant.ofEpochMilli(EPOCH_MILLIS);
        for (int i = 1; i <= config.nodes + config.spareNodes; i++) {
            SimNode node = new SimNode(i);
            node.observe((n, incoming, stored) -> world.dominatedButNewer(n.endpoint,
                    new History.Key(incoming.tenant(), incoming.key()), "ignored " + incoming.version() + " of "
                            + incoming.tenant() + "/" + incoming.key() + " as dominated by " + stored
                            + ", which it beats in the resolution order"));
            world.nodes().put(node.id, node);
            if (i <= config.nodes) {
                world.stores().topology.insert(new StorageNode(node.id, node.host, node.port, config.vnodes,
                        NodeState.NORMAL, Liveness.UP, at, at));
            }
            startTombstoneGc(world, node);
        }
        for (SimConfig.TenantSpec t : config.tenants) {
            world.stores().tenants.insert(new Tenant(new TenantId(t.id()), t.rf(), at, at, 1));
        }
        for (int i = 1; i <= config.coordinators; i++) {
            long skew = config.maxSkewMillis == 0 ? 0 : clocks.nextLong(-config.maxSkewMillis, config.maxSkewMillis + 1);
            long drift = config.maxDriftPpm == 0 ? 0 : clocks.nextLong(-config.maxDriftPpm, config.maxDriftPpm + 1);
            SimCoordinator c = new SimCoordinator(world, i, new SkewedClock(world.kernel(), skew, drift));
            world.coordinators().add(c);
            c.start();
        }
    }

    /** The node's compaction: tombstones older than the gc grace go, as on a real node. */
    static void startTombstoneGc(World world, SimNode node) {
        Kernel kernel = world.kernel();
        Kernel.Owner process = node.process();
        long interval = Kernel.toMicros(world.config().tombstoneGcInterval);
        kernel.after(interval, process, "tombstone gc", new Runnable() {
            @Override
            public void run() {
                long cutoff = EPOCH_MILLIS + kernel.nowMillis() - world.config().tombstoneGcGrace.toMillis();
                List<StorageRanges.Entry> purged = node.purgeTombstones(cutoff);
                purged.forEach(e -> world.history().purged(new History.Key(e.tenant(), e.key()), e.version().clock(),
                        kernel.now()));
                if (!purged.isEmpty()) {
                    world.trace().line(node.endpoint, "purged " + purged.size() + " tombstones");
                }
                kernel.after(interval, process, "tombstone gc", this);
            }
        });
    }

    /** Runs until the cluster is quiet, or notes what never settled. */
    private static void settle(World world, long faultsEnd, Checker checker, Nemesis nemesis) {
        Kernel kernel = world.kernel();
        SimConfig config = world.config();
        long earliest = faultsEnd + Kernel.toMicros(config.cleanupGrace.plus(config.cleanupInterval.multipliedBy(2))
                .plus(config.hintReplayInterval));
        long limit = faultsEnd + Kernel.toMicros(config.settleLimit);
        List<String> pending = List.of();
        while (kernel.now() < limit) {
            // a node whose forced removal failed after the faults healed is back in the ring, crashed since
            // before the removal: it is restarted like any other crashed node was when the faults healed
            world.nodes().values().forEach(nemesis::restartNode);
            kernel.runUntil(kernel.now() + 5 * SECOND);
            pending = unsettled(world);
            if (pending.isEmpty() && kernel.now() >= earliest) {
                world.trace().line("sim", "settled");
                return;
            }
        }
        checker.violation("not settled", "the cluster did not settle within " + config.settleLimit.toMinutes()
                + " minutes after the faults healed: " + pending);
    }

    private static List<String> unsettled(World world) {
        List<String> pending = new ArrayList<>();
        if (world.clients().inFlight() > 0) {
            pending.add(world.clients().inFlight() + " requests in flight");
        }
        List<TopologyChange> changes = world.stores().changes.inProgress();
        if (!changes.isEmpty()) {
            pending.add("changes in progress " + changes.stream().map(c -> c.id().value()).toList());
        }
        long hints = world.stores().hints.total();
        if (hints > 0) {
            pending.add(hints + " hints");
        }
        for (SimCoordinator c : world.coordinators()) {
            if (c.serving().isEmpty()) {
                pending.add(c.endpoint + " not serving");
                continue;
            }
            for (StorageNode n : world.stores().topology.load().nodes()) {
                if (n.state() != NodeState.LEFT && c.serving().get().liveness(n.id()) == Liveness.DOWN) {
                    pending.add(c.endpoint + " sees " + n.id() + " DOWN");
                }
            }
        }
        return pending;
    }

    /** Reads every key at {@code all}, one after another, retrying a read that fails. */
    private static Map<History.Key, History.Op> readEverything(World world) {
        Kernel kernel = world.kernel();
        Map<History.Key, History.Op> reads = new LinkedHashMap<>();
        List<History.Key> keys = world.history().keys();
        List<SimCoordinator> coordinators = world.coordinators();
        int[] next = {0};
        Runnable[] readNext = new Runnable[1];
        readNext[0] = () -> {
            if (next[0] >= keys.size()) {
                return;
            }
            History.Key key = keys.get(next[0]);
            int attempt = reads.containsKey(key) ? reads.get(key).attempt + 1 : 1;
            SimCoordinator c = coordinators.get((next[0] + attempt) % coordinators.size());
            Optional<SimCoordinator.Process> p = c.serving();
            History.Op op = new History.Op(-1, -1, attempt, "final-read", c.endpoint, History.Kind.GET, key, null,
                    ConsistencyLevel.ALL, Optional.empty(), Optional.empty(), kernel.now());
            reads.put(key, op);
            if (p.isEmpty()) {
                op.outcome = History.Outcome.FAILED;
                op.detail = "not serving";
                kernel.after(SECOND, kernel.world, "final read", readNext[0]);
                return;
            }
            p.get().read(ReadCommand.of(key.tenant(), key.key(), ConsistencyLevel.ALL)).whenComplete((outcome, error) ->
                    kernel.after(0, kernel.world, "final read answered", () -> {
                        op.completedAt = kernel.now();
                        if (outcome instanceof ReadOutcome.Found f) {
                            op.outcome = History.Outcome.OK;
                            op.read = Optional.of(f.version());
                        } else if (outcome instanceof ReadOutcome.NotFound) {
                            op.outcome = History.Outcome.OK;
                        } else {
                            op.outcome = History.Outcome.FAILED;
                            op.detail = error != null ? Trace.describe(error) : String.valueOf(outcome);
                        }
                        world.trace().debug("final-read", op::toString);
                        if (op.outcome == History.Outcome.OK || attempt >= 5) {
                            next[0]++;
                        }
                        kernel.after(op.outcome == History.Outcome.OK ? 0 : SECOND, kernel.world, "final read", readNext[0]);
                    }));
        };
        kernel.after(0, kernel.world, "final read", readNext[0]);
        long limit = kernel.now() + Kernel.toMicros(Duration.ofMinutes(30));
        while (next[0] < keys.size() && kernel.now() < limit) {
            kernel.runUntil(kernel.now() + 10 * SECOND);
        }
        return reads;
    }
}
