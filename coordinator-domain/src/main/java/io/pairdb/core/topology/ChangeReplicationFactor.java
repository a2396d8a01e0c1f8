package io.pairdb.core.topology;

import io.pairdb.core.node.Topology;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Changes a tenant's replication factor as a topology change, so data moves with it:
 *
 * <ul>
 *   <li><b>raised</b> ({@code r → r'}): in one transaction with an epoch bump, the tenant gets
 *       pending RF {@code r'} and the change is stored. From that epoch on writes go to the first
 *       {@code r'} replicas (the new ones as pending replicas, which every write waits for as well),
 *       reads still to the first {@code r}. Once every coordinator serves the epoch, the tenant's
 *       data of every range streams from its {@code r} replicas to each new one; then, with another
 *       epoch bump, the tenant's RF becomes {@code r'} and reads use it. A change that fails leaves
 *       the RF at {@code r}; the copies it made are released from the would-be replicas by the cleanup
 *       of the failed change ({@link RangeRelease#withRollback}), so that no stray copy outlives the
 *       tombstones purged elsewhere;</li>
 *   <li><b>lowered</b> ({@code r → r'}): a change like a raise, but the tenant keeps RF {@code r}
 *       for reads and writes while it runs, with pending RF {@code r'}: from its epoch on a quorum
 *       write waits for a quorum of the {@code r'} replicas kept as well as of the {@code r}. Once
 *       every coordinator serves that epoch, the tenant's data of every range streams from each
 *       replica being dropped to each replica kept, so a write acknowledged by dropped replicas only
 *       before (possible whenever {@code Q(r) + Q(r') <= r}) is on the kept ones; then, with another
 *       epoch bump, the RF becomes {@code r'}. The ranges
 *       the dropped replicas release are stored for cleanup, which deletes their copies after the
 *       grace period. A lowering that fails leaves the RF at {@code r}.</li>
 * </ul>
 *
 * <p>Bounds are the tenant service's ({@link TenantService.Settings#check}): 1 to the configured
 * maximum and never above the ring's node count. An RF change runs only when no other change is in
 * flight ({@link ChangeConflicts#findForReplication}). Thread-safe.
 */
public final class ChangeReplicationFactor {
    /** How a request to change a tenant's RF ended. */
    public sealed interface Outcome {
        /** The change is stored (and driven here), or already COMPLETED; {@code tenant} as it started. */
        record Started(TopologyChange change, Tenant tenant, long epoch) implements Outcome {
        }

        /** The tenant already has that RF; nothing was done. */
        record Unchanged(Tenant tenant) implements Outcome {
        }

        record NotFound(TenantId id) implements Outcome {
        }

        record InvalidReplicationFactor(String reason) implements Outcome {
        }

        /** Another change is in flight (possibly of this tenant's RF). */
        record Conflicting(ChangeId other, String reason) implements Outcome {
        }

        /** A repair run of this tenant (or of every tenant) is running; see {@link ChangeConflicts#withRepair}. */
        record RepairRunning(String run, String reason) implements Outcome {
        }

        /** The ring or the tenant kept changing under the request; nothing was started. Retrying is safe. */
        record Contended(int attempts) implements Outcome {
        }
    }

    private static final int ATTEMPTS = 10;

    private final ClusterStores stores;
    private final RunChangeDrivers driver;
    private final Clock clock;
    private final TenantService.Settings bounds;

    public ChangeReplicationFactor(ClusterStores stores, RunChangeDrivers driver, Clock clock, TenantService.Settings bounds) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    /** @throws io.pairdb.core.PairDbException if a store cannot be reached */
    public Outcome change(TenantId id, int rf) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<Outcome> outcome = attempt(id, rf);
            if (outcome.isPresent()) {
                return outcome.get();
            }
        }
        return new Outcome.Contended(ATTEMPTS);
    }

    private Optional<Outcome> attempt(TenantId id, int rf) {
        Topology topology = stores.nodes().load();
        Optional<Tenant> found = stores.tenants().find(id);
        if (found.isEmpty()) {
            return Optional.of(new Outcome.NotFound(id));
        }
        Tenant tenant = found.get();
        TopologyView view = TopologyView.of(topology);
        Optional<String> invalid = bounds.check(rf, view.lastingNodeCount());
        if (invalid.isPresent()) {
            return Optional.of(new Outcome.InvalidReplicationFactor(invalid.get()));
        }
        List<TopologyChange> inFlight = stores.changes().inProgress();
        if (tenant.pendingReplicationFactor().isEmpty() && tenant.replicationFactor() == rf) {
            return Optional.of(new Outcome.Unchanged(tenant));
        }
        Optional<ChangeConflicts.Conflict> conflict = ChangeConflicts.findForReplication(inFlight);
        if (conflict.isPresent()) {
            return Optional.of(new Outcome.Conflicting(conflict.get().other(), conflict.get().reason()));
        }
        if (tenant.pendingReplicationFactor().isPresent()) {
            // a pending RF with no change in flight: the store keeps them together, so this read raced an end
            return Optional.empty();
        }
        ReplicationChange subject = new ReplicationChange(id, tenant.replicationFactor(), rf);
        long epoch = topology.epoch() + 1;
        PlanRangeStreams.Plan plan = PlanRangeStreams.forReplication(view, subject);
        Instant now = clock.now();
        TopologyChange change = new TopologyChange(ChangeId.ofReplication(subject, epoch), ChangeType.CHANGE_RF,
                Optional.empty(), ChangeStatus.IN_PROGRESS, epoch, false, 0, plan.streams(), now, now, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(subject));
        Tenant stored;
        if (plan.streams().isEmpty()) {
            stored = tenant.withReplicationFactor(rf, now);
            change = change.ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), now);
        } else if (subject.raises()) {
            stored = tenant.raisingTo(rf, now);
        } else {
            // lowered: reads and writes keep the old RF until the kept replicas caught up (the change's end applies
            // it); meanwhile quorum writes also wait for a quorum of the kept replicas
            stored = tenant.loweringTo(rf, now);
        }
        return switch (driver.startReplication(change, plan.releases(), stored, tenant.version(), topology.epoch())) {
            case ChangeStore.Start.Started s -> Optional.of(new Outcome.Started(s.change(), stored, s.epoch()));
            case ChangeStore.Start.EpochMoved moved -> Optional.empty();
            case ChangeStore.Start.CleanupRunning c -> Optional.of(new Outcome.Conflicting(c.cleanupOf(), c.reason()));
            case ChangeStore.Start.RepairRunning r -> Optional.of(new Outcome.RepairRunning(r.run(), r.reason()));
        };
    }
}
