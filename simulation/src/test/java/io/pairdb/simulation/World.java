package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The simulated cluster: coordinator machines, storage node processes, the stores standing for
 * PostgreSQL and Redis, the network between them, the clients, and the record of what happened.
 * Everything runs on the one {@link Kernel}.
 */
final class World {
    /** Counts for the run's summary. */
    static final class Stats {
        int hintStoreFailures;
        int faults;
        /** Versions a node ignored as dominated though they beat what it held by timestamp (see S3). */
        int dominatedButNewer;
        int changesStarted;
        /** Acknowledged deletes undone after a purge with no repair of their range in between (see Checker). */
        int resurrectionsAfterRepairOverdue;
        final List<TopologyChange> changesEnded = new ArrayList<>();
    }

    /**
     * A change that completed: the ring epoch it ended with, when, and how far it moved a tenant's RF
     * (0 for a node change).
     */
    record Completion(long epoch, long at, int rfStep) {
    }


    private final SimConfig config;
    private final Kernel kernel;
    private final Trace trace;
    private final RandomGenerator random;
    private final Network network;
    private final SharedStores stores;
    private final History history = new History();
    private final Stats stats = new Stats();
    private DataLoss dataLoss;
    private boolean cleanupStopped;
    private Runnable beforeNextNodeChangeStart;
    private Operator operator;
    private boolean slowDeleteTaken;
    private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
    private final List<SimCoordinator> coordinators = new ArrayList<>();
    private final List<Completion> completions = new ArrayList<>();
    private Clients clients;

    World(SimConfig config, Kernel kernel, RandomGenerator random, Network network) {
        this.config = config;
        this.kernel = kernel;
        this.trace = kernel.trace();
        this.random = random;
        this.network = network;
        this.stores = new SharedStores(() -> Simulation.EPOCH_MILLIS + kernel.nowMillis());
        // when it is stored, not when its coordinator hears back: that answer may be lost (seed 481776)
        stores.changes.whenEnded(this::changeEnded);
    }

    /** Cleanup runs no more from now on (before the final reads). */
    void stopCleanup() {
        cleanupStopped = true;
    }

    boolean cleanupStopped() {
        return cleanupStopped;
    }

    void clients(Clients clients) {
        this.clients = clients;
    }

    SimConfig config() {
        return config;
    }

    Kernel kernel() {
        return kernel;
    }

    Trace trace() {
        return trace;
    }

    /** The world's own random stream: network fates, store failures. */
    RandomGenerator random() {
        return random;
    }

    Network network() {
        return network;
    }

    SharedStores stores() {
        return stores;
    }

    History history() {
        return history;
    }

    /**
     * S3 met: {@code who} (a node applying a version, or a process resolving a read's answers) saw
     * a version of the key dominated by clock that the resolution order puts first. Recorded for the
     * checker's {@code covered yet newer} rule, counted and traced.
     */
    void dominatedButNewer(String who, History.Key key, String what) {
        history.dominatedButNewer(key, kernel.now(), who + " " + what);
        stats.dominatedButNewer++;
        trace.line(who, what);
    }

    void dataLoss(DataLoss dataLoss) {
        this.dataLoss = dataLoss;
    }

    void operator(Operator operator) {
        this.operator = operator;
    }

    Operator operator() {
        return operator;
    }

    /** Whether the run still holds a cleanup delete back (see SimConfig#changeDuringSlowDelete). */
    boolean slowDeleteWanted() {
        return config.changeDuringSlowDelete && !slowDeleteTaken;
    }

    void slowDeleteTaken() {
        slowDeleteTaken = true;
    }

    /** Runs {@code action} when the next node change's start statement reaches PostgreSQL, which then waits. */
    void beforeNextNodeChangeStart(Runnable action) {
        beforeNextNodeChangeStart = action;
    }

    /** Disarms {@code action} if it still waits for a node change's start. */
    void disarmNodeChangeStart(Runnable action) {
        if (beforeNextNodeChangeStart == action) {
            beforeNextNodeChangeStart = null;
        }
    }

    /** The action waiting for the next node change's start, taken (or null). */
    Runnable takeBeforeNextNodeChangeStart() {
        Runnable action = beforeNextNodeChangeStart;
        beforeNextNodeChangeStart = null;
        return action;
    }

    Stats stats() {
        return stats;
    }

    Clients clients() {
        return clients;
    }

    Map<NodeId, SimNode> nodes() {
        return nodes;
    }

    List<SimCoordinator> coordinators() {
        return coordinators;
    }

    /**
     * A call from a coordinator process to a storage node: the request crosses the network (or is
     * lost, or refused when the link is cut), the node handles it when it gets it, and the answer
     * crosses back. The future fails at {@code timeout} if no answer came.
     */
    <T> SimFuture<T> callNode(Kernel.Owner caller, String from, NodeId to, String what, Duration timeout,
                              Function<SimNode, T> handler) {
        return callNode(caller, from, to, what, timeout, true, handler);
    }

    /** As above; a call that is not {@code lossy} is never lost by the network (it may still be refused or late). */
    <T> SimFuture<T> callNode(Kernel.Owner caller, String from, NodeId to, String what, Duration timeout, boolean lossy,
                              Function<SimNode, T> handler) {
        SimFuture<T> answer = new SimFuture<>(kernel);
        SimNode node = nodes.get(to);
        if (node == null) {
            answer.completeExceptionally(new PairDbException("node " + to, "no such node " + to));
            return answer;
        }
        kernel.after(timeout, caller, "timeout", () -> answer.completeExceptionally(new PairDbException("node " + to,
                what + " to " + to + " not answered within " + timeout.toMillis() + " ms")));
        if (!network.connected(from, node.endpoint)) {
            if (random.nextBoolean()) {
                refuse(caller, answer, to, what, "no route to " + to);
            }
            return answer;
        }
        if (lossy && network.lost()) {
            trace.debug(from, () -> what + " to " + to + ": request lost");
            return answer;
        }
        kernel.after(delay(node), kernel.world, what + " to " + to, () -> arrive(caller, from, node, what, lossy, answer,
                handler));
        return answer;
    }

    private <T> void arrive(Kernel.Owner caller, String from, SimNode node, String what, boolean lossy,
                            SimFuture<T> answer, Function<SimNode, T> handler) {
        switch (node.state()) {
            case CRASHED -> refuse(caller, answer, node.id, what, "connection refused by " + node.id);
            case PAUSED -> node.hold(() -> arrive(caller, from, node, what, lossy, answer, handler));
            case UP -> {
                T result;
                try {
                    result = handler.apply(node);
                } catch (PairDbException e) {
                    // the node answers an error
                    if (network.connected(from, node.endpoint)) {
                        kernel.after(delay(node), caller, "error from " + node.id,
                                () -> answer.completeExceptionally(e));
                    }
                    return;
                } catch (RuntimeException e) {
                    kernel.unexpected(node.endpoint + ": " + what + " threw " + Trace.describe(e));
                    return;
                }
                trace.debug(node.endpoint, () -> what + " from " + from);
                if (!network.connected(from, node.endpoint) || lossy && network.lost()) {
                    trace.debug(node.endpoint, () -> what + ": answer to " + from + " lost");
                    return;
                }
                kernel.after(delay(node), caller, "answer to " + what, () -> answer.complete(result));
            }
        }
    }

    /** A message's delay to or from the node: the network's, plus what an overloaded node adds. */
    private long delay(SimNode node) {
        long delay = network.delay();
        return node.slowness() > 0 ? delay + random.nextLong(node.slowness()) : delay;
    }

    private void refuse(Kernel.Owner caller, SimFuture<?> answer, NodeId to, String what, String why) {
        kernel.after(network.delay(), caller, "refused",
                () -> answer.completeExceptionally(new PairDbException("node " + to, what + " failed: " + why)));
    }

    /** A change bumped the ring epoch: PostgreSQL notifies every coordinator it is connected to. */
    void epochMoved() {
        for (SimCoordinator c : coordinators) {
            c.serving().ifPresent(p -> {
                if (network.connected(c.endpoint, SharedStores.POSTGRES)) {
                    kernel.after(network.delay(), p.owner, "epoch notification", p::epochNotified);
                }
            });
        }
    }

    /**
     * A node was removed by force (committed in the store): it is never read again, so what only it
     * held is lost for good, from this moment.
     */
    void forcedOut(NodeId id) {
        SimNode node = nodes.get(id);
        if (node != null && !node.gone()) {
            if (dataLoss != null) {
                dataLoss.lost(node);
            }
            node.markGone();
        }
    }

    void changeEnded(TopologyChange change) {
        stats.changesEnded.add(change);
        if (dataLoss != null) {
            dataLoss.changeEnded(change);
        }
        if (change.status() == io.pairdb.core.topology.ChangeStatus.COMPLETED) {
            int rfStep = change.replication().map(r -> Math.abs(r.to() - r.from())).orElse(0);
            completions.add(new Completion(stores.topology.epoch(), kernel.now(), rfStep));
        } else if (change.force()) {
            change.node().map(nodes::get).ifPresent(node -> {
                node.markBack();
                if (dataLoss != null) {
                    dataLoss.back(node);
                }
            });
        }
    }

    List<Completion> completions() {
        return completions;
    }
}
