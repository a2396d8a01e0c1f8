package io.pairdb.core.port;

import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.ForcedCleanup;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import java.time.Duration;
import java.time.Instant;
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
    record Claimed(RangeCleanup cleanup, Optional<ForcedCleanup> forced) {
    }

    /** Outcome of {@link #force}. */
    sealed interface Force {
        /** Recorded; the change's cleanup as it stands now. */
        record Forced(ChangeCleanup cleanup) implements Force {
        }

        record NotFound() implements Force {
        }

        /** Only a COMPLETED change is cleaned up; nothing was recorded. */
        record NotCompleted(ChangeStatus status) implements Force {
        }
    }

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
     * attempt (at {@code at}) and releases the claim. Not idempotent: a repeat answers LOST.
     */
    ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome, Instant at);

    /**
     * What is due at {@code now} with {@code gracePeriod} after completion (see {@link #claimDue}:
     * the same ranges, claimed or not, whenever they were last tried). One bounded read, for gauges.
     */
    Backlog backlog(Instant now, Duration gracePeriod);

    /** The change's released ranges and their cleanup, or empty when no such change exists. */
    Optional<ChangeCleanup> find(ChangeId change);

    /**
     * Records that the change's cleanup is forced (replacing an earlier order): its ranges are due
     * at once and are not verified. Idempotent apart from the recorded order.
     */
    Force force(ChangeId change, ForcedCleanup order);
}
