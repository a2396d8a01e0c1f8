package io.pairdb.core.topology;

import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.ring.TopologyView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a planned change may run beside the changes in flight (DESIGN.md §6). It may not when
 * it concerns the same node, when either change's node takes part in the other's streams (a node
 * must not leave while it receives a range, nor be a source that is about to go), or when their
 * stream ranges overlap: two changes moving the same range would each plan it against a ring the
 * other is changing. A replication factor change runs alone (see {@link #findForReplication}).
 * Disjoint stream ranges are not enough on their own: a removal lengthens the walk of the keys it
 * moves by one node, which may be the other change's new vnode, so {@link #interfering} also checks
 * the two changes on the rings ({@link #findForNode} does both). Pure.
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
    /**
     * {@link #find}, then {@link #interfering} with each change in flight: why adding or removing
     * {@code node} with these streams must wait, if it must.
     */
    public static Optional<Conflict> findForNode(TopologyView view, Ring.Member node, ChangeType type,
                                                 List<RangeStream> planned, Collection<TopologyChange> inFlight,
                                                 Collection<Integer> replicationFactors) {
        Optional<Conflict> found = find(node.node(), planned, inFlight);
        for (TopologyChange other : inFlight) {
            found = found.or(() -> interfering(view, node, type, other, replicationFactors));
        }
        return found;
    }

    /**
     * Whether the planned node change and a node change in flight move the same keys, judged on the
     * rings rather than on their streams: each was planned against the ring without the other, so
     * they may run together only if, for every range and replication factor in use, at most one of
     * them changes the replicas and the ring with both applied gives what that one planned. A removal
     * lengthens the walk of the keys it moves by one node, which may be the other change's new vnode,
     * although no stream of either names the other's node (found by the simulation).
     */
    public static Optional<Conflict> interfering(TopologyView view, Ring.Member planned, ChangeType type,
                                                 TopologyChange other, Collection<Integer> replicationFactors) {
        if (other.type() == ChangeType.CHANGE_RF || other.node().isEmpty() || !other.inProgress()) {
            return Optional.empty();
        }
        Optional<Ring.Member> theirs = view.node(other.node().get())
                .map(n -> new Ring.Member(n.id(), n.virtualNodes()));
        if (theirs.isEmpty()) {
            return Optional.empty();
        }
        List<Ring.Member> members = new ArrayList<>();
        view.nodes().stream().filter(n -> n.state().inCurrentRing())
                .forEach(n -> members.add(new Ring.Member(n.id(), n.virtualNodes())));
        Ring current = Ring.of(members);
        Ring withMine = Ring.of(applied(members, planned, type));
        Ring withTheirs = Ring.of(applied(members, theirs.get(), other.type()));
        Ring both = Ring.of(applied(applied(members, planned, type), theirs.get(), other.type()));
        List<Ring> rings = List.of(current, withMine, withTheirs, both);
        int nodes = rings.stream().mapToInt(Ring::nodeCount).min().orElse(0);
        TreeSet<Token> positions = new TreeSet<>();
        rings.forEach(r -> r.ranges().forEach(x -> positions.add(x.range().end())));
        for (Token at : positions) {
            for (int rf : new TreeSet<>(replicationFactors)) {
                if (rf > nodes) {
                    continue;
                }
                Set<NodeId> before = new HashSet<>(current.replicasFor(at, rf));
                Set<NodeId> a = new HashSet<>(withMine.replicasFor(at, rf));
                Set<NodeId> b = new HashSet<>(withTheirs.replicasFor(at, rf));
                Set<NodeId> ab = new HashSet<>(both.replicasFor(at, rf));
                boolean fine = a.equals(before) ? ab.equals(b) : b.equals(before) && ab.equals(a);
                if (!fine) {
                    return Optional.of(new Conflict(other.id(), "the keys at token " + Long.toUnsignedString(at.value())
                            + " (RF " + rf + ") would move under both this change and change " + other.id()
                            + "; node changes whose ranges meet run one after the other"));
                }
            }
        }
        return Optional.empty();
    }

    private static List<Ring.Member> applied(List<Ring.Member> members, Ring.Member node, ChangeType type) {
        List<Ring.Member> out = new ArrayList<>(members);
        out.removeIf(m -> m.node().equals(node.node()));
        if (type == ChangeType.ADD_NODE) {
            out.add(node);
        }
        return out;
    }

    public static Optional<Conflict> findForReplication(Collection<TopologyChange> inFlight) {
        return inFlight.stream().filter(TopologyChange::inProgress).findFirst()
                .map(other -> new Conflict(other.id(), "change " + other.id() + " of " + other.subject()
                        + " is in progress; a replication factor change waits until no change is in flight"));
    }

    /**
     * Why a change may not start while a cleanup deletes {@code release}'s range from its node, or
     * empty when it may: it may not when one of its streams overlaps the range (the node could
     * become a replica of part of it again, and the delete would take what was streamed to it or
     * written to it since) or when it concerns that node, unless it is the forced removal of that node:
     * one that does not answer is no source and is given nothing, so what its delete takes no replica
     * needs (and a mark on a dead node must not keep it in the ring for good). Pure.
     */
    public static Optional<String> withCleanup(TopologyChange change, ChangeId cleanupOf, RangeRelease release) {
        boolean concernsNode = change.node().equals(Optional.of(release.node()));
        if (concernsNode && change.type() == ChangeType.REMOVE_NODE && change.force()) {
            return Optional.empty();
        }
        if (concernsNode) {
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
     * Why a change may not start while {@code left} holds a copy a cleanup has not deleted (one
     * the caller found too old to be adopted again), or empty when it may: it may not when one of
     * its streams gives the copy's node an overlapping range for a tenant the copy holds. The copy
     * lacks every write to the range since its change ended, deletes included, and once the
     * tombstones of those deletes are purged from the replicas the stream would not bring them, so
     * the old values would come back. A forced removal waits too: the copy's cleanup can be forced.
     * Pure.
     */
    public static Optional<String> withUncleanedCopy(TopologyChange change, RangeCleanup left) {
        RangeRelease release = left.release();
        for (RangeStream s : change.streams()) {
            if (s.target().equals(release.node()) && s.tenants().meets(release.tenants())
                    && overlap(s.range(), release.range())) {
                String outcome = switch (left.outcome()) {
                    case CleanupOutcome.Skipped skipped -> "skipped at its last attempt: " + skipped.reason();
                    default -> "not attempted yet";
                };
                String copy = release.when() == RangeRelease.When.FAILED ? "a stray copy of range " : "range ";
                return Optional.of("node " + release.node() + " still holds " + copy + release.range() + " from change "
                        + left.change() + ", which its cleanup has not deleted (" + outcome + "), and the copy is too "
                        + "old to be streamed onto: keys deleted since may have lost their tombstones and would come "
                        + "back. The change is refused until that cleanup deletes it (`pairdb-admin change get "
                        + left.change() + "` shows why it has not; forcing it with `pairdb-admin cleanup force "
                        + left.change() + " --reason ...` lets the next cleanup run delete it unverified)");
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
