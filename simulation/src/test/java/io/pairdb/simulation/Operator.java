package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeReplicationFactor;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ReplicationChange;
import io.pairdb.core.topology.StartOutcome;
import io.pairdb.core.topology.TopologyChange;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The operator: every so often during the fault phase it asks a coordinator to add a spare node,
 * remove a node (by force when it is down), or raise or lower a tenant's replication factor —
 * whichever the seed allows. A request the coordinator refuses (a change in flight, too few nodes)
 * is part of the run like any other answer.
 */
final class Operator {
    private final World world;
    private final Kernel kernel;
    private final SimConfig config;
    private final RandomGenerator random;
    private long stopAtMicros = Long.MAX_VALUE;

    Operator(World world, RandomGenerator random) {
        this.world = world;
        this.kernel = world.kernel();
        this.config = world.config();
        this.random = random;
    }

    void start(long stopAtMicros) {
        this.stopAtMicros = stopAtMicros;
        kernel.nowAndThen(random, config.changeEvery, stopAtMicros, "operator", this::act);
    }

    private void act() {
        new Choices()
                .when(config.addNodes, this::addNode)
                .when(config.removeNodes, () -> removeNode(false))
                .when(config.forceRemoveNodes, () -> removeNode(true))
                .when(config.raiseRf, () -> changeRf(+1))
                .when(config.lowerRf, () -> changeRf(-1))
                .when(config.lowerRf && config.lowerRfByTwo, () -> changeRf(-2))
                .when(config.createTenants, this::createTenant)
                .when(config.createTenants && config.addNodes, this::createTenantWhileANodeJoins)
                .pickOne(random);
    }

    /**
     * Two operators at once: a tenant is created while a node is added, each request sent to a
     * coordinator of its own, so the tenant may be stored between the change's planning and its
     * start (issue 13 item 7: a change planned without the tenant must not start), or the change may
     * start first, and then the tenant is refused until it ends (seed 454109).
     */
    private void createTenantWhileANodeJoins() {
        if (config.tenantBetweenPlanAndStart) {
            // in the window unless PostgreSQL is slow, failing or cut off: created (RF 1, whose one replica a missed
            // stream leaves without its data) while the add's start statement waits; armed as the add is sent, and
            // disarmed once it is answered
            joinCandidate().ifPresent(node -> request("add " + node.id, p -> {
                Runnable create = () -> createTenant(1);
                world.beforeNextNodeChangeStart(create);
                try {
                    return p.add(node);
                } finally {
                    world.disarmNodeChangeStart(create);
                }
            }));
            return;
        }
        createTenant();
        addNode();
    }

    /**
     * Asks for the change that makes a completed change's former owners replicas again, if there is
     * one: the added node removed, the lowered RF raised back. (A removal leaves nothing to clean up,
     * and a raise gives its former owners nothing back.) Nothing once the fault phase is over.
     *
     * @return whether it asked for one
     */
    boolean giveBack(ChangeId id) {
        Optional<TopologyChange> found = world.stores().changes.find(id);
        if (found.isEmpty() || kernel.now() >= stopAtMicros) {
            return false;
        }
        TopologyChange change = found.get();
        if (change.type() == ChangeType.ADD_NODE && canRemoveANode()) {
            NodeId node = change.node().orElseThrow();
            return request("remove " + node + " (giving its ranges back)", p -> p.remove(node, false));
        }
        if (change.type() == ChangeType.CHANGE_RF) {
            ReplicationChange rf = change.replication().orElseThrow();
            return rf.to() < rf.from() && request("set RF of " + rf.tenant() + " back to " + rf.from(),
                    p -> describe(p.changeRf(rf.tenant(), rf.from())));
        }
        return false;
    }

    private List<StorageNode> ring() {
        return world.stores().topology.load().nodes();
    }

    private void addNode() {
        joinCandidate().ifPresent(node -> request("add " + node.id, p -> p.add(node)));
    }

    private Optional<SimNode> joinCandidate() {
        List<SimNode> candidates = world.nodes().values().stream()
                .filter(n -> !n.gone() && n.state() == SimNode.State.UP)
                .filter(n -> ring().stream().noneMatch(s -> s.id().equals(n.id)
                        && (s.state() != NodeState.LEFT || !config.readdLeftNodes)))
                .toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

    /** Whether a node can leave: more NORMAL nodes than the largest RF. */
    private boolean canRemoveANode() {
        long normal = ring().stream().filter(n -> n.state() == NodeState.NORMAL).count();
        return normal > world.stores().tenants.list().stream().mapToInt(Tenant::writeReplicationFactor).max().orElse(1);
    }

    private void removeNode(boolean force) {
        List<StorageNode> normal = ring().stream().filter(n -> n.state() == NodeState.NORMAL).toList();
        List<StorageNode> candidates = normal.stream().filter(n -> {
            SimNode node = world.nodes().get(n.id());
            return force ? node.state() == SimNode.State.CRASHED : node.state() == SimNode.State.UP;
        }).toList();
        if (candidates.isEmpty() || !canRemoveANode()) {
            // a forced removal may leave fewer nodes than an RF, which makes its tenant unavailable by design;
            // it still can when another removal completes before this one starts (Checker.naturalReplicas)
            return;
        }
        StorageNode target = candidates.get(random.nextInt(candidates.size()));
        request((force ? "force-remove " : "remove ") + target.id(), p -> {
            // a forced removal's loss is recorded when the store commits it (World.forcedOut), which may be
            // well before its answer arrives, or without one
            return p.remove(target.id(), force);
        });
    }

    private void changeRf(int by) {
        List<Tenant> tenants = world.stores().tenants.list();
        Tenant tenant = tenants.get(random.nextInt(tenants.size()));
        long ringNodes = ring().stream().filter(n -> n.state().inCurrentRing()).count();
        int rf = tenant.replicationFactor() + by;
        if (rf < 1 || rf > Math.min(5, ringNodes)) {
            return;
        }
        TenantId id = tenant.id();
        request("set RF of " + id + " to " + rf, p -> describe(p.changeRf(id, rf)));
    }

    private void createTenant() {
        createTenant(1 + random.nextInt(Math.min(3, config.nodes)));
    }

    private void createTenant(int rf) {
        String id = "t" + (config.tenants.size() + 1);
        request("create tenant " + id + " with RF " + rf, p -> {
            Object outcome = p.createTenant(new TenantId(id), rf);
            if (outcome instanceof TenantService.CreateOutcome.Created) {
                config.tenants.add(new SimConfig.TenantSpec(id, rf));
            }
            return outcome;
        });
    }

    private static String describe(ChangeReplicationFactor.Outcome outcome) {
        return switch (outcome) {
            case ChangeReplicationFactor.Outcome.Started s -> "started " + s.change().id() + " (" + s.change().status() + ")";
            default -> outcome.toString();
        };
    }

    /** Sends the request to a coordinator that serves, on its own process (the call may wait). */
    private boolean request(String what, Function<SimCoordinator.Process, Object> call) {
        List<SimCoordinator.Process> serving = world.coordinators().stream().flatMap(c -> c.serving().stream()).toList();
        if (serving.isEmpty()) {
            return false;
        }
        SimCoordinator.Process p = serving.get(random.nextInt(serving.size()));
        kernel.after(world.network().delay(), p.owner, "operator: " + what, () -> {
            world.trace().line("operator", what + " via " + p.owner);
            Object outcome;
            try {
                outcome = call.apply(p);
            } catch (PairDbException e) {
                outcome = "failed: " + e.getMessage();
            }
            if (outcome instanceof StartOutcome.Started s) {
                world.stats().changesStarted++;
                outcome = "started " + s.change().id() + " (" + s.change().status() + ")";
            }
            world.trace().line("operator", what + ": " + Optional.ofNullable(outcome).orElse("done"));
        });
        return true;
    }
}
