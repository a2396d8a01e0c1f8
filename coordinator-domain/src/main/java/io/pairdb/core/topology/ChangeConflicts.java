package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.ring.TokenRange;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a planned change may run beside the changes in flight (DESIGN.md §6). It may not when
 * it concerns the same node, when either change's node takes part in the other's streams (a node
 * must not leave while it receives a range, nor be a source that is about to go), or when their
 * stream ranges overlap: two changes moving the same range would each plan it against a ring the
 * other is changing. A replication factor change runs alone (see {@link #findForReplication}).
 * Changes on disjoint ranges are independent: a key's replica set changes only
 * if a vnode of the changed node sits on its walk, so each key is affected by at most one. Pure.
 */
public final class ChangeConflicts {
    /** Why the planned change must wait for {@code other}. */
    public record Conflict(ChangeId other, String reason) {
    }

    private ChangeConflicts() {
    }

    public static Optional<Conflict> find(NodeId node, List<RangeStream> planned, Collection<TopologyChange> inFlight) {
        Set<NodeId> plannedNodes = new HashSet<>();
        planned.forEach(s -> plannedNodes.addAll(s.nodes()));
        for (TopologyChange other : inFlight) {
            if (!other.inProgress()) {
                continue;
            }
            if (other.type() == ChangeType.CHANGE_RF) {
                return Optional.of(new Conflict(other.id(), "the replication factor change " + other.id() + " of "
                        + other.subject() + " is in progress"));
            }
            NodeId otherNode = other.node().orElseThrow();
            if (otherNode.equals(node)) {
                return Optional.of(new Conflict(other.id(), "node " + node + " has change " + other.id() + " in progress"));
            }
            if (other.streams().stream().anyMatch(s -> s.nodes().contains(node))) {
                return Optional.of(new Conflict(other.id(), "node " + node + " takes part in the streams of change "
                        + other.id()));
            }
            if (plannedNodes.contains(otherNode)) {
                return Optional.of(new Conflict(other.id(), "node " + otherNode + " of change " + other.id()
                        + " would take part in this change's streams"));
            }
            for (RangeStream mine : planned) {
                for (RangeStream theirs : other.streams()) {
                    if (overlap(mine.range(), theirs.range())) {
                        return Optional.of(new Conflict(other.id(), "range " + mine.range() + " overlaps range "
                                + theirs.range() + " of change " + other.id()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a replication factor change may start: only with no change in flight. It moves
     * ranges all around the ring (a new replica for most of them), and a node change planned
     * against the old RF would miss the new replicas, so the two are serialised.
     */
    public static Optional<Conflict> findForReplication(Collection<TopologyChange> inFlight) {
        return inFlight.stream().filter(TopologyChange::inProgress).findFirst()
                .map(other -> new Conflict(other.id(), "change " + other.id() + " of " + other.subject()
                        + " is in progress; a replication factor change waits until no change is in flight"));
    }

    /**
     * Why a change may not start while a cleanup deletes {@code release}'s range from its node, or
     * empty when it may: it may not when one of its streams overlaps the range (the node could
     * become a replica of part of it again, and the delete would take what was streamed to it or
     * written to it since) or when it concerns that node. Pure.
     */
    public static Optional<String> withCleanup(TopologyChange change, ChangeId cleanupOf, RangeRelease release) {
        if (change.node().equals(Optional.of(release.node()))) {
            return Optional.of("the cleanup of change " + cleanupOf + " is deleting range " + release.range()
                    + " from node " + release.node());
        }
        for (RangeStream s : change.streams()) {
            if (overlap(s.range(), release.range())) {
                return Optional.of("the cleanup of change " + cleanupOf + " is deleting range " + release.range()
                        + " from node " + release.node() + ", which overlaps range " + s.range() + " of this change");
            }
        }
        return Optional.empty();
    }

    /**
     * Why a change may not start while {@code run} runs, or empty when it may. A run that writes
     * compares each range across the replicas of the ring it began at and writes to them; a
     * change would move ranges to other replicas under it (a key repaired onto a node after its
     * range was streamed away would miss its new replica, and be deleted with the old one's
     * cleanup). So no change starts while such a run is RUNNING, except a replication factor
     * change of a tenant the run does not repair. A dry run writes nothing and excludes nothing.
     * Only runs still leased are passed here. Pure.
     */
    public static Optional<String> withRepair(TopologyChange change, RepairRun run) {
        if (run.dryRun() || run.state() != RepairRun.State.RUNNING) {
            return Optional.empty();
        }
        if (change.type() == ChangeType.CHANGE_RF && run.tenant().isPresent()
                && change.replication().map(r -> !r.tenant().equals(run.tenant().get())).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of("repair run " + run.id() + " of " + run.scope() + " is running (" + run.rangesDone() + " of "
                + run.rangesTotal() + " ranges done); a change waits until it ends, or until its lease runs out if its "
                + "coordinator stopped");
    }

    /** Whether two ranges {@code (start, end]} share a token; each may wrap, and {@code start == end} is the whole ring. */
    public static boolean overlap(TokenRange a, TokenRange b) {
        for (long[] x : segments(a)) {
            for (long[] y : segments(b)) {
                // closed unsigned intervals [lo, hi]
                if (Long.compareUnsigned(x[0], y[1]) <= 0 && Long.compareUnsigned(y[0], x[1]) <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The range as closed unsigned intervals {@code [start + 1, end]} that do not wrap. */
    private static List<long[]> segments(TokenRange r) {
        long start = r.start().value();
        long end = r.end().value();
        if (start == end) {
            return List.of(new long[] {0L, -1L});
        }
        if (Long.compareUnsigned(start, end) < 0) {
            return List.of(new long[] {start + 1, end});
        }
        // wrapping: (start, max] and [0, end]; (start, max] is empty when start is the maximum
        return start == -1L ? List.of(new long[] {0L, end}) : List.of(new long[] {start + 1, -1L}, new long[] {0L, end});
    }
}
