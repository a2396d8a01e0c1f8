package io.pairdb.core.topology;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.Clock;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Bootstraps a storage node (DESIGN.md §6): plans the streams that give it every range it will
 * replicate, for every replication factor in use, then — in one transaction with an epoch bump —
 * registers it BOOTSTRAPPING and stores the change, which this coordinator then drives. From that
 * epoch on the node is a pending replica: writes reach it, reads do not. With nothing to stream
 * (an empty ring, no tenants yet) the node joins NORMAL at once and the change is COMPLETED.
 *
 * <p>A node id that has LEFT may be added again. A change that conflicts with one in flight is
 * refused. The plan is checked and stored against the same epoch, so two coordinators starting
 * changes at once cannot both pass the checks. Thread-safe.
 */
public final class AddNode {
    private static final int ATTEMPTS = 10;

    private final ChangeStores stores;
    private final DriveChanges driver;
    private final Clock clock;
    private final ChangeSettings settings;

    public AddNode(ChangeStores stores, DriveChanges driver, Clock clock, ChangeSettings settings) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @throws io.pairdb.core.PairDbException if a store cannot be reached */
    public StartOutcome add(NodeId id, String host, int port, int virtualNodes) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<StartOutcome> outcome = attempt(id, host, port, virtualNodes);
            if (outcome.isPresent()) {
                return outcome.get();
            }
        }
        return new StartOutcome.Contended(ATTEMPTS);
    }

    private Optional<StartOutcome> attempt(NodeId id, String host, int port, int virtualNodes) {
        Topology topology = stores.nodes().load();
        Instant createdAt = clock.now();
        for (StorageNode existing : topology.nodes()) {
            if (existing.id().equals(id)) {
                if (existing.state() != NodeState.LEFT) {
                    return Optional.of(new StartOutcome.NodeExists(id));
                }
                createdAt = existing.createdAt();
            } else if (existing.state() != NodeState.LEFT && existing.host().equals(host) && existing.port() == port) {
                return Optional.of(new StartOutcome.AddressInUse(existing.id(), existing.address()));
            }
        }
        Instant now = clock.now();
        StorageNode joining = new StorageNode(id, host, port, virtualNodes, NodeState.BOOTSTRAPPING, Liveness.UP,
                createdAt, now);
        List<Tenant> tenants = stores.tenants().list();
        PlanChange.Plan plan = PlanChange.forAdd(TopologyView.of(topology), joining, tenants);
        Optional<ChangeConflicts.Conflict> conflict = ChangeConflicts.find(id, plan.streams(), stores.changes().inProgress());
        if (conflict.isPresent()) {
            return Optional.of(new StartOutcome.Conflicting(conflict.get().other(), conflict.get().reason()));
        }
        long epoch = topology.epoch() + 1;
        TopologyChange change = new TopologyChange(ChangeId.of(ChangeType.ADD_NODE, id, epoch), ChangeType.ADD_NODE, id,
                ChangeStatus.IN_PROGRESS, epoch, false, 0, plan.streams(), now, now, Optional.empty(), Optional.empty(),
                Optional.empty());
        if (plan.streams().isEmpty()) {
            joining = joining.withState(NodeState.NORMAL, now);
            change = change.ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), now);
        }
        return driver.start(change, plan.releases(), joining, topology.epoch());
    }
}
