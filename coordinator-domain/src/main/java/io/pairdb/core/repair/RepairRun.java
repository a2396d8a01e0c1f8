package io.pairdb.core.repair;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.Lease;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One on-demand repair as stored for every coordinator to see: what it repairs (one tenant or
 * every tenant, only one node's ranges or all), the ring epoch it works at, how far it got, and
 * who runs it until when. While a run that writes is RUNNING under a lease that has not run out,
 * topology changes it conflicts with do not start (see
 * {@link io.pairdb.core.topology.ChangeConflicts#withRepair}).
 *
 * @param rangesTotal  ranges of the ring times tenants it repairs (one node's only, with {@code node})
 * @param rangesDone   of those, ranges compared so far (a range that failed on a replica is not done)
 * @param keysRepaired keys some replica lacked or held older (in a dry run: would have been repaired)
 * @param bytesMoved   roughly what the run moved so far, both ways: digests, clocks and keys read,
 *                     repair writes sent ({@link RepairReport#bytesMoved()}, failed attempts included)
 */
public record RepairRun(String id, Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun, State state,
                        long epoch, int rangesTotal, int rangesDone, long keysRepaired, long bytesMoved, Instant startedAt,
                        Optional<Instant> finishedAt, Optional<Lease> lease) {
    public enum State {
        RUNNING,
        /** Every range was compared. */
        DONE,
        /**
         * Ended before every range was compared (the ring changed, its lease was lost, or it failed), or
         * with ranges that failed on a replica at every attempt (not counted in {@code rangesDone}).
         */
        STOPPED
    }

    public RepairRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(lease, "lease");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a repair run needs an id");
        }
        if (rangesTotal < 0 || rangesDone < 0 || rangesDone > rangesTotal || keysRepaired < 0 || bytesMoved < 0) {
            throw new IllegalArgumentException("repair run " + id + ": " + rangesDone + " of " + rangesTotal
                    + " ranges, " + keysRepaired + " keys, " + bytesMoved + " bytes");
        }
        if ((state == State.RUNNING) == finishedAt.isPresent()) {
            throw new IllegalArgumentException("repair run " + id + " is " + state + " but finished at " + finishedAt);
        }
    }

    /** A run about to begin: RUNNING, nothing done yet, not leased (the store leases it). */
    public static RepairRun starting(String id, Optional<TenantId> tenant, Optional<NodeId> node, boolean dryRun,
                                     long epoch, int rangesTotal, Instant now) {
        return new RepairRun(id, tenant, node, dryRun, State.RUNNING, epoch, rangesTotal, 0, 0, 0, now, Optional.empty(),
                Optional.empty());
    }

    /**
     * RUNNING, but its lease ran out by {@code now}: its coordinator stopped (or stalled) without
     * recording its end, and it no longer holds changes back.
     */
    public boolean abandoned(Instant now) {
        return state == State.RUNNING && lease.map(l -> !l.expiresAt().isAfter(now)).orElse(true);
    }

    /** What it repairs, for messages: "tenant acme" or "every tenant", and the node if one. */
    public String scope() {
        return tenant.map(t -> "tenant " + t).orElse("every tenant") + node.map(n -> ", ranges of node " + n).orElse("");
    }
}
