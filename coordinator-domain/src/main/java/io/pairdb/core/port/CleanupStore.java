package io.pairdb.core.port;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cleanups of topology changes, shared by every coordinator: the ranges each change released
 * (stored by {@link ChangeStore#start(io.pairdb.core.topology.TopologyChange, List,
 * io.pairdb.core.node.StorageNode, long, String, Duration) ChangeStore.start}), each range's
 * outcome so far, and whether an operator forced the cleanup. A change's cleanup is due once the
 * change is COMPLETED and either its grace period is over or the cleanup was forced; the ranges of
 * a change that FAILED are never due.
 *
 * <p>One coordinator at a time works on a range, under a claim measured by the store's own clock;
 * outcomes are stored only by the claim holder. Thread-safe. Every method throws
 * {@link io.pairdb.core.PairDbException} when the store cannot be reached; a call that threw may
 * or may not have taken effect.
 */
public interface CleanupStore {
    /** A range to clean up now, and the forced cleanup of its change if there is one. */
    record Claimed(RangeCleanup cleanup, Optional<CleanupOrder> forced) {
    }

    /** Outcome of {@link #force}. */
    sealed interface Force {
        /** Recorded; the change's cleanup as it stands now. */
        record Forced(ChangeCleanup cleanup) implements Force {
        }

        record NotFound() implements Force {
        }

        /** The change is still in progress: only one that ended is cleaned up; nothing was recorded. */
        record NotCompleted(ChangeStatus status) implements Force {
        }
    }

    /** Outcome of {@link #beginDelete}. */
    enum Begin {
        /** The range is marked as being deleted; send the deletes. */
        BEGUN,
        /** The ring epoch is no longer the one the range was checked against: nothing was marked. */
        RING_MOVED,
        /** {@code owner} no longer holds the claim on the range: nothing was marked. */
        LOST
    }

    /**
     * If {@code owner} still holds the claim on the range and the ring epoch is still {@code epoch}
     * (the one the range was verified against), marks the range as being deleted from its node
     * (see {@link RangeCleanup#deleteBegun()}), atomically with respect to every change start:
     * from then on {@link ChangeStore#start} refuses a change that {@link
     * io.pairdb.core.topology.ChangeConflicts#withCleanup conflicts} with the range, until an
     * outcome DELETED or KEPT is recorded for it. A change that started first moved the epoch, so
     * the answer is then RING_MOVED. Idempotent: a range marked already keeps its first mark.
     */
    Begin beginDelete(ChangeId change, int index, String owner, long epoch);

    /** Every range marked as being deleted now (see {@link #beginDelete}). */
    List<RangeCleanup> deleting();

    /**
     * The ranges held by one of {@code nodes} that are not cleaned up (PENDING or SKIPPED: no
     * outcome DELETED or KEPT) of changes that ended at or before {@code endedBefore} in the way
     * that leaves them behind: the released ranges of a COMPLETED change, the stray copies of one
     * that FAILED or was rolled back. Forced or not, claimed or not. Oldest change first. One
     * read, bounded by what those nodes were left holding.
     */
    List<RangeCleanup> uncleaned(Collection<NodeId> nodes, Instant endedBefore);

    /**
     * The ranges due now and not done: never tried, or skipped at their last attempt (every
     * attempt of such a range was a skip). {@code oldestDueSince} is when the longest-waiting of
     * them became due: its change's completion plus the grace period, or the forcing if earlier.
     */
    record Backlog(int pending, int skipped, int mostSkips, Optional<Instant> oldestDueSince) {
        public static final Backlog NONE = new Backlog(0, 0, 0, Optional.empty());

        public Backlog {
            Objects.requireNonNull(oldestDueSince, "oldestDueSince");
            if (pending < 0 || skipped < 0 || mostSkips < 0) {
                throw new IllegalArgumentException("backlog counts must not be negative");
            }
        }
    }

    /**
     * Claims for {@code owner}, for {@code lease} from now, up to {@code limit} ranges still to
     * clean up (never attempted, or skipped last time before {@code triedBefore}) whose claim is
     * free or ran out, of COMPLETED changes that completed at or before {@code completedBefore} or
     * whose cleanup was forced; oldest change first. Two concurrent callers never claim the same
     * range. Not idempotent.
     */
    List<Claimed> claimDue(Instant completedBefore, Instant triedBefore, String owner, Duration lease, int limit);

    /**
     * If {@code owner} still holds the claim on the range: stores {@code outcome}, counts the
     * attempt (at {@code at}) and releases the claim; a final outcome (DELETED, KEPT) also clears
     * the range's delete mark, a SKIPPED one keeps it. Not idempotent: a repeat answers LOST.
     */
    ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome, Instant at);

    /**
     * What is due at {@code now} with {@code gracePeriod} after completion (see {@link #claimDue}:
     * the same ranges, claimed or not, whenever they were last tried). One bounded read, for gauges.
     */
    Backlog backlog(Instant now, Duration gracePeriod);

    /**
     * The change's cleanup, or empty when no such change exists: the ranges it releases (while in
     * progress or once COMPLETED) or, once it FAILED, its stray copies, each with its outcome.
     */
    Optional<ChangeCleanup> find(ChangeId change);

    /**
     * Records that the cleanup of a change that ended is forced (replacing an earlier order): its
     * ranges (released once COMPLETED, stray copies once FAILED or rolled back) are due at once and
     * are not verified. Idempotent apart from the recorded order.
     */
    Force force(ChangeId change, CleanupOrder order);
}
