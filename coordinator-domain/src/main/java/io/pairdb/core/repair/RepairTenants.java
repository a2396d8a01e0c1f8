package io.pairdb.core.repair;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * On-demand anti-entropy: repairs every range of the ring for one tenant or for every tenant,
 * across each range's natural replicas, or only the ranges one node replicates.
 *
 * <p>Repair yields to topology changes: it refuses to start while a change is in flight, and
 * stops before its next range once the ring epoch moved, because a range's replicas may then
 * be others than the ones it compares. Ranges repaired until then stay repaired (every write was
 * conditional). A range whose replica fails is reported and the others go on.
 */
public final class RepairTenants {
    /** How an on-demand repair ended. */
    public sealed interface Outcome {
        /** Every range was compared (the failed ones are listed). */
        record Done(boolean dryRun, List<TenantRepair> tenants) implements Outcome {
            public Done {
                tenants = List.copyOf(tenants);
            }

            public RepairReport total() {
                return tenants.stream().map(TenantRepair::report).reduce(RepairReport.NONE, RepairReport::plus);
            }
        }

        record TenantNotFound(TenantId tenant) implements Outcome {
        }

        record NodeNotFound(NodeId node) implements Outcome {
        }

        /** Refused: a topology change is in flight; repair after it ends. */
        record ChangeInFlight(int changes) implements Outcome {
        }

        /** Stopped: the ring changed while the repair ran; what was repaired before stays. */
        record TopologyChanged(long startedAtEpoch, long nowAtEpoch, Done sofar) implements Outcome {
        }
    }

    /** One tenant's part of a repair. */
    public record TenantRepair(TenantId tenant, int ranges, List<RangeRepairOutcome.ReplicaFailed> failed,
                               RepairReport report) {
        public TenantRepair {
            failed = List.copyOf(failed);
        }
    }

    private final ClusterTopology topology;
    private final TenantService tenants;
    private final ChangeStore changes;
    private final RepairRange repairRange;
    private final RepairEvents events;

    public RepairTenants(ClusterTopology topology, TenantService tenants, ChangeStore changes, RepairRange repairRange,
                         RepairEvents events) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.repairRange = Objects.requireNonNull(repairRange, "repairRange");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Repairs (or, in a dry run, compares) and answers when every range is done. Blocks. */
    public Outcome repair(Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun) {
        TopologyView view = topology.refresh();
        if (node.isPresent() && view.node(node.get()).isEmpty()) {
            return new Outcome.NodeNotFound(node.get());
        }
        List<Tenant> chosen;
        if (tenant.isPresent()) {
            Optional<Tenant> found = tenants.find(tenant.get());
            if (found.isEmpty()) {
                return new Outcome.TenantNotFound(tenant.get());
            }
            chosen = List.of(found.get());
        } else {
            chosen = tenants.list();
        }
        int inFlight = changes.inProgress().size();
        if (inFlight > 0) {
            return new Outcome.ChangeInFlight(inFlight);
        }
        List<TenantRepair> done = new ArrayList<>();
        for (Tenant t : chosen) {
            int ranges = 0;
            RepairReport report = RepairReport.NONE;
            List<RangeRepairOutcome.ReplicaFailed> failed = new ArrayList<>();
            for (Ring.OwnedRange owned : view.currentRing().ranges()) {
                Optional<List<StorageNode>> replicas = view.replicasFor(owned.range().end(), t.replicationFactor())
                        .map(ReplicaSets::natural);
                if (replicas.isEmpty() || node.isPresent()
                        && replicas.get().stream().noneMatch(r -> r.id().equals(node.get()))) {
                    continue;
                }
                long epoch = topology.refresh().epoch();
                if (epoch != view.epoch()) {
                    done.add(new TenantRepair(t.id(), ranges, failed, report));
                    return new Outcome.TopologyChanged(view.epoch(), epoch, new Outcome.Done(dryRun, done));
                }
                RangeRepairOutcome outcome = repairRange.repair(t.id(), owned.range(), replicas.get(), dryRun);
                events.rangeDone(t.id(), outcome, dryRun);
                ranges++;
                report = report.plus(outcome.report());
                if (outcome instanceof RangeRepairOutcome.ReplicaFailed f) {
                    failed.add(f);
                }
            }
            done.add(new TenantRepair(t.id(), ranges, failed, report));
        }
        return new Outcome.Done(dryRun, done);
    }
}
