package io.pairdb.core.port;

import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Topology changes (bootstrap, decommission, replication factor changes) and their progress, shared by every coordinator,
 * next to the nodes and the ring epoch of the {@link TopologyStore}: a change starts and ends
 * together with its node's state and an epoch bump, in one transaction.
 *
 * <p>One coordinator at a time drives a change, under a lease measured by the store's own clock
 * (so clock skew between coordinators does not shorten it). Every write of a driver is
 * conditional on still holding the lease, so a driver that lost it cannot overwrite its
 * successor's progress or end the change twice. A lease that ran out stays with its owner until
 * someone {@link #claimAbandoned claims} the change.
 *
 * <p>Thread-safe. Every method throws {@link io.pairdb.core.PairDbException} when the store
 * cannot be reached; a call that threw may or may not have taken effect.
 */
public interface ChangeStore {
    /** Outcome of {@link #start}. */
    sealed interface Start {
        /** Stored; {@code change} as stored (with its lease), {@code epoch} the ring epoch now. */
        record Started(TopologyChange change, long epoch) implements Start {
        }

        /** The ring epoch was no longer the one the change was planned at; nothing was written. */
        record EpochMoved(long epoch) implements Start {
        }

        /**
         * A cleanup is deleting a range the change conflicts with (see {@link CleanupStore#beginDelete});
         * nothing was written. {@code reason} says which. (A change's driver answers it too, before
         * the store is asked, for a copy a cleanup has left too long: see
         * {@link io.pairdb.core.topology.UncleanedCopies}.)
         */
        record CleanupRunning(ChangeId cleanupOf, String reason) implements Start {
        }

        /**
         * A repair run the change conflicts with is running (see {@link RepairStore}); nothing was
         * written. {@code reason} says which.
         */
        record RepairRunning(String run, String reason) implements Start {
        }
    }

    /** Outcome of {@link #finish}. */
    sealed interface Finish {
        record Finished(TopologyChange change, long epoch) implements Finish {
        }

        /** The caller no longer holds the lease, or the change is over already; nothing was written. */
        record LeaseLost() implements Finish {
        }
    }

    /** Outcome of {@link #handOver}. */
    sealed interface HandOver {
        /** The node has its hand-over state; {@code epoch} is the ring epoch that says so (or a later one). */
        record HandedOver(long epoch) implements HandOver {
        }

        record LeaseLost() implements HandOver {
        }
    }

    enum Held { HELD, LOST }

    /**
     * If the ring epoch is still {@code expectedEpoch} and no cleanup is deleting a range the change
     * conflicts with ({@link io.pairdb.core.topology.ChangeConflicts#withCleanup}) and no repair run it conflicts with
     * is running ({@link io.pairdb.core.topology.ChangeConflicts#withRepair}), in one transaction: stores {@code node}
     * (a new row, or replacing the row of a node that has LEFT), inserts {@code change}, and bumps
     * the epoch to {@code expectedEpoch + 1}, which must be the change's {@code ringEpoch}. An
     * IN_PROGRESS change is leased to {@code owner} for {@code lease}; a change that starts
     * already over (nothing to stream) gets no lease. Not idempotent: a retry after a failure
     * answers {@code EpochMoved} if the first attempt was applied.
     */
    default Start start(TopologyChange change, StorageNode node, long expectedEpoch, String owner, Duration lease) {
        return start(change, List.of(), node, expectedEpoch, owner, lease);
    }

    /**
     * {@link #start(TopologyChange, StorageNode, long, String, Duration)}, storing in the same
     * transaction the ranges nodes stop replicating when the change completes: its cleanup (see
     * {@link CleanupStore}), due once the change is COMPLETED, never when it FAILED.
     */
    Start start(TopologyChange change, List<RangeRelease> releases, StorageNode node, long expectedEpoch, String owner,
                Duration lease);

    /**
     * Starts a {@link io.pairdb.core.topology.ChangeType#CHANGE_RF} change the way {@link #start}
     * starts a node change: if the ring epoch is still {@code expectedEpoch} and the tenant's
     * stored version still {@code expectedTenantVersion}, in one transaction: replaces the tenant
     * row with {@code tenant} (its pending RF set while the RF is raised, or its new RF), inserts
     * {@code change} and bumps the epoch. {@code EpochMoved} when either moved: plan again. At
     * most one change of a tenant's RF is in progress at a time. {@code releases} are stored with
     * it as {@link #start(TopologyChange, List, StorageNode, long, String, Duration)} stores them, and
     * a cleanup deleting a range or a repair run the change conflicts with refuses it the same way.
     */
    Start startReplication(TopologyChange change, List<RangeRelease> releases, Tenant tenant, long expectedTenantVersion,
                           long expectedEpoch, String owner, Duration lease);

    Optional<TopologyChange> find(ChangeId id);

    /** The newest {@code limit} changes, newest first. */
    List<TopologyChange> list(int limit);

    /** Every IN_PROGRESS change, oldest first. */
    List<TopologyChange> inProgress();

    /**
     * Claims one IN_PROGRESS change whose lease has run out for {@code owner}, for {@code lease}
     * from now, oldest first. Two concurrent callers never claim the same change. Returns the
     * change as stored, or empty when none is abandoned. Not idempotent.
     */
    Optional<TopologyChange> claimAbandoned(String owner, Duration lease);

    /**
     * If {@code owner} holds the change's lease (run out or not, as long as nobody claimed it)
     * and the change is in progress: stores the streams' progress and extends the lease by
     * {@code lease} from now. Idempotent.
     */
    Held checkpoint(ChangeId id, String owner, List<RangeStream> streams, Instant at, Duration lease);

    /**
     * If {@code owner} holds the change's lease (as {@link #checkpoint} requires) and the change is in
     * progress: extends the lease by {@code lease} from now, leaving the progress alone, so a driver
     * can renew while one of its steps runs. Idempotent.
     */
    Held renew(ChangeId id, String owner, Duration lease);

    /**
     * If {@code owner} holds the lease and the node change is in progress, in one transaction: sets
     * the change's node to {@code nodeState} (its hand-over state,
     * {@link NodeState#BOOTSTRAPPED} or {@link NodeState#HANDED_OVER}) and bumps the ring epoch;
     * the change stays in progress and leased. Idempotent: when the node already has that state,
     * nothing changes and the current epoch is answered.
     *
     * @throws IllegalArgumentException for a replication factor change
     */
    HandOver handOver(ChangeId id, String owner, NodeState nodeState, Instant at);

    /**
     * If {@code owner} holds the lease and the change is in progress, in one transaction: sets
     * the change's node to {@code nodeState} (a node change; empty for a replication factor
     * change, whose tenant gets the RF it moved to when COMPLETED, or keeps its RF, either way
     * without a pending one), ends the change with {@code status} (completed at
     * {@code at}, with {@code error} and the final {@code streams}), releases the lease and bumps
     * the ring epoch.
     */
    Finish finish(ChangeId id, String owner, Optional<NodeState> nodeState, ChangeStatus status, Optional<String> error,
                  List<RangeStream> streams, Instant at);
}
