package io.pairdb.core.topology;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decommissions a storage node (DESIGN.md §6): plans the streams that give each range it holds
 * to the node that replaces it in each replica set (the leaving node is the preferred source),
 * then — in one transaction with an epoch bump — makes it LEAVING and stores the change, which
 * this coordinator then drives. It keeps serving until the streams are done; then it is LEFT
 * (kept for audit) and its hints are handed to their keys' current replicas.
 *
 * <p>Refused without {@code force}: a removal that would leave fewer NORMAL nodes than the
 * largest replication factor in use, and the removal of a node that does not answer its health
 * probe. With {@code force}, a node that does not answer is no source: every range comes from a
 * surviving replica — unless it answers again before the streams start, when the change is rolled
 * back instead ({@link DriveChange}). A removal with nothing to stream is driven too, through the
 * epoch fence and the hand-over: it never ends when it starts. Thread-safe.
 */
public final class RemoveNode {
    private static final int ATTEMPTS = 10;

    private final ClusterStores stores;
    private final NodeProbe nodeProbe;
    private final RunChangeDrivers driver;
    private final Clock clock;

    public RemoveNode(ClusterStores stores, StorageHealth health, RunChangeDrivers driver, Scheduler scheduler, Clock clock,
                      ChangeSettings settings) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodeProbe = new NodeProbe(health, scheduler, settings.nodeChecks().healthTimeout());
    }

    /** @throws PairDbException if a store cannot be reached */
    public StartOutcome remove(NodeId id, boolean force) {
        Probe probe = new Probe();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Topology topology = stores.nodes().load();
            switch (check(topology, id, force, probe, false)) {
                case ChangeProposal.Check.Refused refused -> {
                    return refused.outcome();
                }
                case ChangeProposal.Check.Planned planned -> {
                    Optional<StartOutcome> started = driver.start(planned.plan().change(), planned.plan().releases(),
                            planned.plan().node(), topology.epoch());
                    if (started.isPresent()) {
                        return started.get();
                    }
                }
            }
        }
        return new StartOutcome.Contended(ATTEMPTS);
    }

    /**
     * Checks and plans the removal as {@link #remove} would (probing the node too), against the
     * stored topology, and writes nothing: a dry run. Too few nodes, a node that does not answer
     * and a conflict with a change in flight are reported in the plan's refusals.
     *
     * @throws PairDbException if a store cannot be reached
     */
    public ChangeProposal.Check plan(NodeId id, boolean force) {
        return check(stores.nodes().load(), id, force, new Probe(), true);
    }

    /** With {@code collectRefusals}, checks that leave a plan to show go into its refusals instead of ending it. */
    private ChangeProposal.Check check(Topology topology, NodeId id, boolean force, Probe probe,
                                      boolean collectRefusals) {
        Optional<StorageNode> found = topology.nodes().stream().filter(n -> n.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            return new ChangeProposal.Check.Refused(new StartOutcome.NodeNotFound(id));
        }
        StorageNode node = found.get();
        if (node.state() != NodeState.NORMAL) {
            return new ChangeProposal.Check.Refused(new StartOutcome.NodeNotNormal(id, node.state()));
        }
        List<StartOutcome> refusals = new ArrayList<>();
        List<Tenant> tenants = stores.tenants().list();
        int largestRf = tenants.stream().mapToInt(Tenant::replicationFactor).max().orElse(0);
        int remaining = (int) topology.nodes().stream()
                .filter(n -> n.state() == NodeState.NORMAL && !n.id().equals(id)).count();
        if (remaining < largestRf && !force) {
            StartOutcome refusal = new StartOutcome.TooFewNodes(id, remaining, largestRf);
            if (!collectRefusals) {
                return new ChangeProposal.Check.Refused(refusal);
            }
            refusals.add(refusal);
        }
        Optional<String> down = probe.of(node);
        if (down.isPresent() && !force) {
            StartOutcome refusal = new StartOutcome.NodeDown(id, down.get());
            if (!collectRefusals) {
                return new ChangeProposal.Check.Refused(refusal);
            }
            refusals.add(refusal);
        }
        TopologyView view = TopologyView.of(topology);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forRemove(view, id, tenants, down.isPresent());
        Optional<ChangeConflicts.Conflict> conflict = ChangeConflicts.findForNode(view,
                new Ring.Member(id, node.virtualNodes()), ChangeType.REMOVE_NODE, plan.streams(),
                stores.changes().inProgress(), tenants.stream().map(Tenant::writeReplicationFactor).toList());
        if (conflict.isPresent()) {
            StartOutcome refusal = new StartOutcome.Conflicting(conflict.get().other(), conflict.get().reason());
            if (!collectRefusals) {
                return new ChangeProposal.Check.Refused(refusal);
            }
            refusals.add(refusal);
        }
        Instant now = clock.now();
        long epoch = topology.epoch() + 1;
        TopologyChange change = new TopologyChange(ChangeId.of(ChangeType.REMOVE_NODE, id, epoch),
                ChangeType.REMOVE_NODE, id, ChangeStatus.IN_PROGRESS, epoch, down.isPresent(),
                plan.unrecoverableRanges(), plan.streams(), now, now, Optional.empty(), Optional.empty(),
                Optional.empty());
        // driven even with nothing to stream: a coordinator still on the epoch before may give the node writes
        // until the epoch fence, and a forced removal's node that answers again by then must be rolled back
        StorageNode leaving = node.withState(NodeState.LEAVING, now);
        return new ChangeProposal.Check.Planned(new ChangeProposal(topology, tenants, change, leaving, refusals,
                plan.releases()));
    }

    /** The node is probed once per request, on the first attempt that gets that far; retries reuse the answer. */
    private final class Probe {
        private Optional<String> down;

        Optional<String> of(StorageNode node) {
            if (down == null) {
                down = nodeProbe.whyDown(node);
            }
            return down;
        }
    }
}
