package io.pairdb.core.port;

import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.repair.RepairedRange;
import io.pairdb.core.topology.ChangeId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Repair runs, shared by every coordinator, next to the ring epoch and the changes of the
 * {@link ChangeStore}: a repair that writes and a topology change exclude each other through it.
 * A run begins only with no change in progress and at the epoch it planned with; while a run
 * that writes is RUNNING and its lease (the store's own clock) has not run out, {@link
 * ChangeStore#start} and {@link ChangeStore#startReplication} refuse every change that {@link
 * io.pairdb.core.topology.ChangeConflicts#withRepair conflicts} with it, answering {@link
 * ChangeStore.Start.RepairRunning}. Both checks happen atomically with every change start.
 *
 * <p>A run's holder renews its lease as it goes and records each range it finished ({@link
 * #rangeDone}); a coordinator that dies leaves its run RUNNING with a lease that runs out, after
 * which changes start again and another coordinator may {@link #takeOver} the run and go on from
 * the ranges not recorded. Thread-safe. Every method throws
 * {@link io.pairdb.core.PairDbException} when the store cannot be reached; a call that threw may
 * or may not have taken effect.
 */
public interface RepairStore {
    /** Outcome of {@link #begin}. */
    sealed interface Begin {
        /** Stored, leased to the caller; {@code run} as stored. */
        record Begun(RepairRun run) implements Begin {
        }

        /** The ring epoch is no longer the run's: plan again. Nothing was written. */
        record EpochMoved(long epoch) implements Begin {
        }

        /** A topology change is in progress; nothing was written. */
        record ChangeInFlight(ChangeId change) implements Begin {
        }
    }

    /**
     * If the ring epoch is still {@code run.epoch()} and no change is IN_PROGRESS, stores {@code
     * run} (RUNNING, a new id) leased to {@code owner} for {@code lease} from now, atomically with
     * respect to every change start. Not idempotent.
     */
    Begin begin(RepairRun run, String owner, Duration lease);

    /**
     * If {@code owner} still holds the run's lease and the lease has not run out and the run is
     * RUNNING: stores its progress (ranges, keys and bytes moved so far) and extends the lease by {@code lease} from now ({@link
     * Duration#ZERO}: gives the lease up, so the run is {@link #abandoned} at once for another
     * coordinator to take over). A run whose lease ran out is LOST: a change may have started since.
     */
    ChangeStore.Held progress(String id, String owner, int rangesDone, long keysRepaired, long bytesMoved,
                              Duration lease);

    /**
     * If {@code owner} still holds the run's lease (run out or not) and the run is RUNNING: ends it
     * with {@code state} (DONE or STOPPED) at {@code at} and its final progress, and releases the lease.
     */
    ChangeStore.Held finish(String id, String owner, RepairRun.State state, int rangesDone, long keysRepaired,
                            long bytesMoved, Instant at);

    /**
     * If {@code owner} still holds the run's lease, the lease has not run out and the run is
     * RUNNING: records {@code range} as finished (once: a range recorded before is not counted
     * again), adds one to its ranges done, {@code keysRepaired} to its keys and {@code bytesMoved}
     * to its bytes, and extends the lease by {@code lease} from now, all at once. If {@code
     * repairedAsOf} is given (the range was made equal on all its replicas), it also goes into the
     * tenant's repair history ({@link #repairedRanges}) in the same step, unless an entry for the same
     * range is later.
     */
    ChangeStore.Held rangeDone(String id, String owner, RepairedRange range, Optional<Instant> repairedAsOf,
                               long keysRepaired, long bytesMoved, Duration lease);

    /** The ranges recorded as finished for the run (empty for an unknown run). */
    Set<RepairedRange> rangesDone(String id);

    /**
     * The repair history of every tenant: for each range ever recorded with a {@code repairedAsOf}
     * (in whichever ring it was then), the latest such time. Tenants deleted since may be among them.
     */
    List<RangeRepairedAsOf> repairedRanges();

    /**
     * Deletes each given entry of the repair history, unless it is later now than given (a repair
     * recorded the range again since). How many went. Idempotent.
     */
    int forgetRepairedRanges(List<RangeRepairedAsOf> entries);

    /** RUNNING runs whose lease ran out by the store's clock (their coordinator died or stalled), oldest first. */
    List<RepairRun> abandoned();

    /** Outcome of {@link #takeOver}. */
    sealed interface TakeOver {
        /** Leased to the caller now; {@code run} as stored, with the new total. */
        record TakenOver(RepairRun run) implements TakeOver {
        }

        /**
         * The ring moved since the run planned (a change started after its lease ran out), so its
         * ranges are no longer the ring's: it is STOPPED now, as returned. Nothing else was written.
         */
        record RingMoved(RepairRun stopped, long epoch) implements TakeOver {
        }

        /**
         * Not taken: the run is unknown, no longer RUNNING, leased (again) by someone whose lease
         * has not run out, or recorded another range since the caller read {@code rangesDone}.
         */
        record NotAbandoned() implements TakeOver {
        }
    }

    /**
     * If the run is RUNNING, its lease ran out (by the store's clock), it still has {@code
     * rangesDone} ranges recorded and the ring epoch is still the run's with no change IN_PROGRESS:
     * leases it to {@code owner} for {@code lease} from now and sets its total to {@code rangesTotal}
     * (the caller's plan at the run's epoch: the ranges recorded plus those still to do), atomically
     * with respect to every change start. If the ring moved instead, ends the run STOPPED at {@code at}.
     */
    TakeOver takeOver(String id, String owner, Duration lease, int rangesDone, int rangesTotal, Instant at);

    Optional<RepairRun> find(String id);

    /** The newest {@code limit} runs, newest first. */
    List<RepairRun> list(int limit);
}
