package io.pairdb.core.topology;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.node.Liveness;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Bootstraps a storage node (DESIGN.md §6): plans the streams that give it every range it will
 * replicate, for every replication factor in use, then — in one transaction with an epoch bump —
 * registers it BOOTSTRAPPING and stores the change, which this coordinator then drives. From that
 * epoch on the node is a pending replica: writes reach it, reads do not. With nothing to stream
 * (an empty ring, no tenants yet) and no other coordinator live, the node joins NORMAL at once and
 * the change is COMPLETED; with another coordinator live it is driven all the same, so no tenant
 * is created (and written on the ring without the node) before every coordinator serves it.
 *
 * <p>The node is asked for its health first. One that does not answer is refused (it could not say
 * what it holds); one that keeps tombstones for less than the configured shortest gc grace is
 * refused; and one that already holds entries is refused unless the operator says its data may
 * join ({@code allowExistingData}): a node that left (or comes from elsewhere) may hold versions
 * whose tombstones were purged on the nodes that kept serving, and streaming would not override
 * them, so deleted keys would come back.
 *
 * <p>A node id that has LEFT may be added again. A change that conflicts with one in flight is
 * refused. The plan is checked and stored against the same epoch, so two coordinators starting
 * changes at once cannot both pass the checks. Thread-safe.
 */
public final class AddNode {
    private static final int ATTEMPTS = 10;

    private final ClusterStores stores;
    private final RunChangeDrivers driver;
    private final StorageHealth health;
    private final Scheduler scheduler;
    private final Clock clock;
    private final ChangeSettings settings;

    public AddNode(ClusterStores stores, RunChangeDrivers driver, StorageHealth health, Scheduler scheduler, Clock clock,
                   ChangeSettings settings) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.health = Objects.requireNonNull(health, "health");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Adds a node that must hold no data. See {@link #add(NodeId, String, int, int, boolean)}. */
    public StartOutcome add(NodeId id, String host, int port, int virtualNodes) {
        return add(id, host, port, virtualNodes, false);
    }

    /** @throws io.pairdb.core.PairDbException if a store cannot be reached */
    public StartOutcome add(NodeId id, String host, int port, int virtualNodes, boolean allowExistingData) {
        Probe probe = new Probe(allowExistingData);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<StartOutcome> outcome = attempt(id, host, port, virtualNodes, probe);
            if (outcome.isPresent()) {
                return outcome.get();
            }
        }
        return new StartOutcome.Contended(ATTEMPTS);
    }

    /** A dry run of an add of a node that must hold no data. */
    public ChangeProposal.Check plan(NodeId id, String host, int port, int virtualNodes) {
        return plan(id, host, port, virtualNodes, false);
    }

    /**
     * Checks and plans the add as {@link #add} would (asking the node too), against the stored
     * topology, and writes nothing: a dry run. A conflict with a change in flight and what the
     * node's health answer would refuse are reported in the plan's refusals.
     *
     * @throws io.pairdb.core.PairDbException if a store cannot be reached
     */
    public ChangeProposal.Check plan(NodeId id, String host, int port, int virtualNodes, boolean allowExistingData) {
        return check(stores.nodes().load(), id, host, port, virtualNodes, new Probe(allowExistingData), true);
    }

    private Optional<StartOutcome> attempt(NodeId id, String host, int port, int virtualNodes, Probe probe) {
        Topology topology = stores.nodes().load();
        return switch (check(topology, id, host, port, virtualNodes, probe, false)) {
            case ChangeProposal.Check.Refused refused -> Optional.of(refused.outcome());
            case ChangeProposal.Check.Planned planned -> driver.start(planned.plan().change(), planned.plan().releases(),
                    planned.plan().node(), topology.epoch());
        };
    }

    /** With {@code collectRefusals}, checks that leave a plan to show go into its refusals instead of ending it. */
    private ChangeProposal.Check check(Topology topology, NodeId id, String host, int port, int virtualNodes,
                                      Probe probe, boolean collectRefusals) {
        Instant createdAt = clock.now();
        for (StorageNode existing : topology.nodes()) {
            if (existing.id().equals(id)) {
                if (existing.state() != NodeState.LEFT) {
                    return new ChangeProposal.Check.Refused(new StartOutcome.NodeExists(id));
                }
                createdAt = existing.createdAt();
            } else if (existing.state() != NodeState.LEFT && existing.host().equals(host) && existing.port() == port) {
                return new ChangeProposal.Check.Refused(new StartOutcome.AddressInUse(existing.id(), existing.address()));
            }
        }
        Instant now = clock.now();
        StorageNode joining = new StorageNode(id, host, port, virtualNodes, NodeState.BOOTSTRAPPING, Liveness.UP,
                createdAt, now);
        List<StartOutcome> refusals = new ArrayList<>();
        Optional<StartOutcome> unfit = probe.of(joining);
        if (unfit.isPresent()) {
            if (!collectRefusals) {
                return new ChangeProposal.Check.Refused(unfit.get());
            }
            refusals.add(unfit.get());
        }
        List<Tenant> tenants = stores.tenants().list();
        TopologyView view = TopologyView.of(topology);
        PlanRangeStreams.Plan plan = PlanRangeStreams.forAdd(view, joining, tenants);
        Optional<ChangeConflicts.Conflict> conflict = ChangeConflicts.findForNode(view,
                new Ring.Member(id, joining.virtualNodes()), ChangeType.ADD_NODE, plan.streams(),
                stores.changes().inProgress(), tenants.stream().map(Tenant::writeReplicationFactor).toList());
        if (conflict.isPresent()) {
            StartOutcome refusal = new StartOutcome.Conflicting(conflict.get().other(), conflict.get().reason());
            if (!collectRefusals) {
                return new ChangeProposal.Check.Refused(refusal);
            }
            refusals.add(refusal);
        }
        long epoch = topology.epoch() + 1;
        TopologyChange change = new TopologyChange(ChangeId.of(ChangeType.ADD_NODE, id, epoch), ChangeType.ADD_NODE, id,
                ChangeStatus.IN_PROGRESS, epoch, false, 0, plan.streams(), now, now, Optional.empty(), Optional.empty(),
                Optional.empty());
        // at once only when no other coordinator is live: one still on the ring without the node could be given
        // writes on that ring for a tenant created meanwhile, which a joining node holds off
        if (plan.streams().isEmpty() && !driver.othersLive()) {
            joining = joining.withState(NodeState.NORMAL, now);
            change = change.ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), now);
        }
        return new ChangeProposal.Check.Planned(new ChangeProposal(topology, tenants, change, joining, refusals,
                plan.releases()));
    }

    /** The node is asked once per request, on the first attempt that gets that far; retries reuse the answer. */
    private final class Probe {
        private final boolean allowExistingData;
        private Optional<StartOutcome> unfit;

        Probe(boolean allowExistingData) {
            this.allowExistingData = allowExistingData;
        }

        /** Why the node may not join, or empty when it may. */
        Optional<StartOutcome> of(StorageNode node) {
            if (unfit == null) {
                unfit = ask(node);
            }
            return unfit;
        }

        private Optional<StartOutcome> ask(StorageNode node) {
            StorageHealth.Report report;
            try {
                report = Timeouts.bound(scheduler, Futures.started(() -> health.report(node, settings.nodeChecks().healthTimeout())),
                        settings.nodeChecks().healthTimeout(), () -> new PairDbException("node " + node.id(),
                                "no health answer within " + settings.nodeChecks().healthTimeout())).get();
            } catch (ExecutionException e) {
                return Optional.of(new StartOutcome.NodeUnreachable(node.id(),
                        String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PairDbException("node " + node.id(), "interrupted while asking node " + node.id(), e);
            }
            Optional<Duration> grace = report.tombstoneGcGrace();
            if (grace.isPresent() && grace.get().compareTo(settings.nodeChecks().minTombstoneGcGrace()) < 0) {
                return Optional.of(new StartOutcome.GcGraceTooShort(node.id(), grace.get(),
                        settings.nodeChecks().minTombstoneGcGrace()));
            }
            if (report.keyCount() > 0 && !allowExistingData) {
                return Optional.of(new StartOutcome.HoldsData(node.id(), report.keyCount()));
            }
            return Optional.empty();
        }
    }
}
