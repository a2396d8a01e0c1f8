package io.pairdb.simulation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Injects the faults the seed chose, one every so often during the fault phase, each healed after
 * a while: partitions between a coordinator and a node or a store, node crashes (data kept or
 * lost), node pauses, coordinator crashes and restarts, coordinator pauses, slow or failing stores. It keeps enough of
 * the cluster standing that progress is possible (at most two nodes and all but one coordinator
 * down at once; a node loses its data at most once per run), and {@link #healAll} ends every fault.
 */
final class Nemesis {
    private final World world;
    private final Kernel kernel;
    private final SimConfig config;
    private final RandomGenerator random;
    private final DataLoss dataLoss;
    private boolean dataLost;

    Nemesis(World world, RandomGenerator random, DataLoss dataLoss) {
        this.world = world;
        this.kernel = world.kernel();
        this.config = world.config();
        this.random = random;
        this.dataLoss = dataLoss;
    }

    void start(long stopAtMicros) {
        kernel.nowAndThen(random, config.faultEvery, stopAtMicros, "nemesis", this::strike);
    }

    private void strike() {
        boolean struck = new Choices()
                .when(config.partitionNodes, this::partitionNode)
                .when(config.partitionStores, this::partitionStore)
                .when(config.crashNodes, this::crashNode)
                .when(config.pauseNodes, this::pauseNode)
                .when(config.crashCoordinators, this::crashCoordinator)
                .when(config.slowStores || config.failingStores, this::troubleStore)
                .when(config.nodeReadErrors, this::failReads)
                .when(config.slowNodes, this::slowNode)
                .when(config.takeOverIds && config.partitionPostgres, this::takeOverId)
                .when(config.pauseCoordinators, this::pauseCoordinator)
                .pickOne(random);
        if (struck) {
            world.stats().faults++;
        }
    }

    private SimCoordinator anyCoordinator() {
        return world.coordinators().get(random.nextInt(world.coordinators().size()));
    }

    private SimNode anyNode() {
        List<SimNode> nodes = world.nodes().values().stream().filter(n -> !n.gone()).toList();
        return nodes.get(random.nextInt(nodes.size()));
    }

    private long seconds(int min, int max) {
        return (min + random.nextLong(max - min + 1)) * 1_000_000L;
    }

    /** How long a partition lasts: seconds, or, with long partitions, now and then longer than a lease. */
    private long partitionLength(int max) {
        return config.longPartitions && random.nextInt(4) == 0 ? seconds(30, 90) : seconds(1, max);
    }

    private void partitionNode() {
        SimCoordinator c = anyCoordinator();
        SimNode n = anyNode();
        long heal = partitionLength(20);
        world.network().cut(c.endpoint, n.endpoint);
        fault(c.endpoint + " ~/~ " + n.endpoint, heal);
        kernel.after(heal, kernel.world, "heal", () -> {
            world.network().heal(c.endpoint, n.endpoint);
            healed(c.endpoint + " ~ " + n.endpoint);
        });
    }

    private void partitionStore() {
        SimCoordinator c = anyCoordinator();
        String store = random.nextInt(3) == 0 || !config.partitionPostgres ? SharedStores.REDIS : SharedStores.POSTGRES;
        long heal = partitionLength(25);
        world.network().cut(c.endpoint, store);
        fault(c.endpoint + " ~/~ " + store, heal);
        kernel.after(heal, kernel.world, "heal", () -> {
            world.network().heal(c.endpoint, store);
            healed(c.endpoint + " ~ " + store);
        });
    }

    private long nodesDown() {
        return world.nodes().values().stream().filter(n -> n.state() != SimNode.State.UP && !n.gone()).count();
    }

    private void crashNode() {
        SimNode n = anyNode();
        if (n.state() != SimNode.State.UP || nodesDown() >= 2) {
            return;
        }
        boolean lose = config.loseData && !dataLost && random.nextInt(3) == 0;
        long restart = config.longOutages && random.nextInt(4) == 0 ? seconds(60, 200) : seconds(2, 40);
        fault("CRASH " + n.endpoint + (lose ? " (its data is lost)" : ""), restart);
        if (lose) {
            dataLost = true;
            dataLoss.lost(n);
        }
        n.crash(kernel, lose);
        kernel.after(restart, kernel.world, "restart", () -> restartNode(n));
    }

    void restartNode(SimNode n) {
        if (n.state() != SimNode.State.CRASHED || n.gone()) {
            return;
        }
        n.restart();
        world.trace().line(n.endpoint, "restarted (" + n.process() + ")");
        Simulation.startTombstoneGc(world, n);
    }

    private void pauseNode() {
        SimNode n = anyNode();
        if (n.state() != SimNode.State.UP || nodesDown() >= 2) {
            return;
        }
        long resume = random.nextInt(4) == 0 ? seconds(5, 15) : 200_000 + random.nextLong(3_000_000);
        n.pause();
        fault("PAUSE " + n.endpoint, resume);
        kernel.after(resume, kernel.world, "resume", () -> resumeNode(n));
    }

    void resumeNode(SimNode n) {
        if (n.state() != SimNode.State.PAUSED) {
            return;
        }
        List<Runnable> held = n.resume();
        world.trace().line(n.endpoint, "resumed, " + held.size() + " requests waited");
        for (Runnable r : held) {
            kernel.after(0, kernel.world, "held request", r);
        }
    }

    private void crashCoordinator() {
        SimCoordinator c = anyCoordinator();
        long up = world.coordinators().stream().filter(SimCoordinator::up).count();
        if (!c.up() || up <= 1) {
            return;
        }
        long restart = seconds(1, 20);
        fault("CRASH " + c.endpoint, restart);
        c.crash();
        kernel.after(restart, kernel.world, "restart", () -> {
            if (!c.up()) {
                c.start();
            }
        });
    }

    /**
     * Stops a coordinator process with its memory kept (a long GC pause, a frozen VM): its timers, the
     * answers it awaits and the requests sent to it run late, in order, once it resumes. One pause in
     * four outlasts the leases it may hold (its id's, a change driver's, a repair or cleanup claim), so
     * another coordinator can take its work over meanwhile, and the paused one resumes mid-step. Half
     * the pauses stop a change's driver when there is one, and half of those outlast its lease. Runs
     * that purge tombstones pause for 3 s at most (see {@link SimConfig#longCoordinatorPauses}).
     */
    private void pauseCoordinator() {
        List<SimCoordinator> drivers = world.coordinators().stream().filter(SimCoordinator::drivesAChange).toList();
        boolean driver = !drivers.isEmpty() && random.nextBoolean();
        SimCoordinator c = driver ? drivers.get(random.nextInt(drivers.size())) : anyCoordinator();
        if (!c.up()) {
            return;
        }
        boolean pastTheLeases = config.longCoordinatorPauses && random.nextInt(driver ? 2 : 4) == 0;
        long resume = pastTheLeases ? seconds(35, 70) : 200_000 + random.nextLong(3_000_000);
        fault("PAUSE " + c.endpoint, resume);
        c.pause(kernel.now() + resume);
    }

    /**
     * Cuts a coordinator off from PostgreSQL for longer than its id lease, so it can renew neither its
     * id nor its view of the ring, and restarts another one once the lease has run out: the restarted
     * one claims the lowest expired id from the pool, often the cut-off one's. When the link heals,
     * the cut-off coordinator must not issue a clock under that id again (12.9).
     */
    private void takeOverId() {
        SimCoordinator cut = anyCoordinator();
        List<SimCoordinator> others = world.coordinators().stream().filter(c -> c != cut && c.up()).toList();
        if (!cut.up() || others.isEmpty() || !world.network().connected(cut.endpoint, SharedStores.POSTGRES)) {
            return;
        }
        SimCoordinator claimer = others.get(random.nextInt(others.size()));
        long lease = Kernel.toMicros(config.idLease);
        long heal = lease + seconds(5, 20);
        world.network().cut(cut.endpoint, SharedStores.POSTGRES);
        fault(cut.endpoint + " ~/~ " + SharedStores.POSTGRES + " past its id lease, " + claimer.endpoint
                + " restarts meanwhile", heal);
        kernel.after(lease + seconds(1, 3), kernel.world, "restart", () -> {
            if (claimer.up()) {
                claimer.crash();
                claimer.start();
            }
        });
        kernel.after(heal, kernel.world, "heal", () -> {
            world.network().heal(cut.endpoint, SharedStores.POSTGRES);
            healed(cut.endpoint + " ~ " + SharedStores.POSTGRES);
        });
    }

    private void troubleStore() {
        String store = random.nextInt(3) == 0 ? SharedStores.REDIS : SharedStores.POSTGRES;
        if (world.stores().health(store) != SharedStores.Health.HEALTHY) {
            return;
        }
        boolean slow = config.slowStores && (!config.failingStores || random.nextBoolean());
        SharedStores.Health health = slow ? SharedStores.Health.SLOW : SharedStores.Health.FAILING;
        long heal = seconds(2, 20);
        world.stores().health(store, health);
        fault(store + " " + health, heal);
        kernel.after(heal, kernel.world, "heal", () -> {
            world.stores().health(store, SharedStores.Health.HEALTHY);
            healed(store + " healthy");
        });
    }

    private void failReads() {
        SimNode n = anyNode();
        if (n.failingReads()) {
            return;
        }
        long heal = seconds(2, 20);
        n.failReads(true);
        fault(n.endpoint + " fails reads", heal);
        kernel.after(heal, kernel.world, "heal", () -> {
            n.failReads(false);
            healed(n.endpoint + " reads again");
        });
    }

    private void slowNode() {
        SimNode n = anyNode();
        if (n.slowness() > 0) {
            return;
        }
        long heal = seconds(5, 30);
        n.slowness(seconds(1, 5));
        fault(n.endpoint + " slow (up to " + Trace.time(n.slowness()).trim() + " a message)", heal);
        kernel.after(heal, kernel.world, "heal", () -> {
            n.slowness(0);
            healed(n.endpoint + " fast again");
        });
    }

    /** Ends every fault at once: links, stores, paused and crashed processes. */
    void healAll() {
        world.network().healAll();
        world.network().profile().loss = 0;
        world.network().profile().tail = 0;
        world.stores().postgres = SharedStores.Health.HEALTHY;
        world.stores().redis = SharedStores.Health.HEALTHY;
        for (SimNode n : world.nodes().values()) {
            n.failReads(false);
            n.slowness(0);
            resumeNode(n);
            restartNode(n);
        }
        for (SimCoordinator c : world.coordinators()) {
            if (!c.up()) {
                c.start();
            }
            c.resume();
        }
        world.trace().line("nemesis", "every fault healed");
    }

    private void fault(String what, long healAfter) {
        world.trace().line("nemesis", what + " for " + Trace.time(healAfter).trim());
    }

    private void healed(String what) {
        world.trace().line("nemesis", "healed: " + what);
    }
}
