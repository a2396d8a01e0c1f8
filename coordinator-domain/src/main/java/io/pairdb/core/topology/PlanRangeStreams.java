package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The range streams and releases of a change, from {@link RangeMovements}: the current ring (NORMAL and
 * LEAVING nodes) against the same ring with the node added or taken out, for every replication
 * factor the tenants use; or, for a tenant's RF raised, the same ring walked further. Node and
 * RF changes never run together ({@link ChangeConflicts}). Pure.
 */
public final class PlanRangeStreams {
    /**
     * The streams, how many ranges had no source left (see {@link TopologyChange#unrecoverableRanges()}),
     * and the ranges nodes stop replicating (for the cleanup once the change completes).
     */
    public record Plan(List<RangeStream> streams, int unrecoverableRanges, List<RangeRelease> releases) {
        public Plan {
            streams = List.copyOf(streams);
            releases = List.copyOf(releases);
        }
    }

    private PlanRangeStreams() {
    }

    /** Streams that give the joining node every range it will replicate. */
    public static Plan forAdd(TopologyView view, StorageNode joining, Collection<Tenant> tenants) {
        List<Ring.Member> future = currentMembers(view);
        future.removeIf(m -> m.node().equals(joining.id()));
        future.add(new Ring.Member(joining.id(), joining.virtualNodes()));
        return plan(view.currentRing(), Ring.of(future), tenants, Set.of());
    }

    /**
     * Streams that give the ranges of the leaving node to the nodes that replace it. With
     * {@code leavingIsDown} the leaving node is no source: each range comes from a surviving
     * replica, and a range only the leaving node held is counted as unrecoverable.
     */
    public static Plan forRemove(TopologyView view, NodeId leaving, Collection<Tenant> tenants, boolean leavingIsDown) {
        List<Ring.Member> future = currentMembers(view);
        future.removeIf(m -> m.node().equals(leaving));
        return plan(view.currentRing(), Ring.of(future), tenants, leavingIsDown ? Set.of(leaving) : Set.of());
    }

    /**
     * The movements of a tenant's RF changing from {@code from} to {@code to}, range by range of
     * the current ring. Raised: each node among the first {@code to} replicas but not the first
     * {@code from} receives the tenant's data of the range from a quorum of those first {@code from},
     * one stream per source: a write acknowledged at quorum may be missing on any single one of them.
     * Lowered: each node kept (among the first {@code to}) receives the tenant's data of the range
     * from every node dropped (among the first {@code from}, not the first {@code to}), one stream
     * per pair: a write acknowledged by dropped replicas only must be on the kept ones, and no single
     * dropped replica need hold every such write; then each dropped node releases the tenant's
     * data of the range (for cleanup). A ring with fewer nodes than {@code from} (left so by a forced
     * removal) holds the range on every node: those are the current replicas. Nothing when the ring has
     * fewer nodes than {@code to}.
     */
    public static Plan forReplication(TopologyView view, ReplicationChange change) {
        Ring ring = view.currentRing();
        if (change.to() > ring.nodeCount()) {
            return new Plan(List.of(), 0, List.of());
        }
        List<RangeStream> streams = new ArrayList<>();
        List<RangeRelease> releases = new ArrayList<>();
        TenantFilter only = new TenantFilter.Only(List.of(change.tenant()));
        for (var range : RangeMovements.elementaryRanges(ring, ring)) {
            List<NodeId> before = ring.replicasFor(range.end(), Math.min(change.from(), ring.nodeCount()));
            List<NodeId> after = ring.replicasFor(range.end(), change.to());
            if (change.raises()) {
                // a write acknowledged at quorum may be missing on any one current replica, but every quorum of
                // them holds it: each new replica reads from a quorum of the current ones, one stream per source
                int quorum = ConsistencyLevel.QUORUM.required(change.from());
                for (NodeId target : after) {
                    if (!before.contains(target)) {
                        for (NodeId source : before.subList(0, quorum)) {
                            streams.add(RangeStream.pending(streams.size(), range, target, List.of(source),
                                    new TreeSet<>(Set.of(change.to())), only));
                        }
                    }
                }
            } else {
                for (NodeId kept : after) {
                    for (NodeId dropped : before) {
                        if (!after.contains(dropped)) {
                            streams.add(RangeStream.pending(streams.size(), range, kept, List.of(dropped),
                                    new TreeSet<>(Set.of(change.to())), only));
                        }
                    }
                }
            }
            for (NodeId former : before) {
                if (!after.contains(former)) {
                    releases.add(new RangeRelease(releases.size(), range, former, new TreeSet<>(Set.of(change.from())),
                            only));
                }
            }
        }
        return new Plan(streams, 0, releases);
    }

    private static Plan plan(Ring current, Ring future, Collection<Tenant> tenants, Set<NodeId> unusableSources) {
        SortedSet<Integer> rfsInUse = new TreeSet<>();
        tenants.forEach(t -> rfsInUse.add(t.replicationFactor()));
        RangeMovements.Plan movements = RangeMovements.plan(current, future, rfsInUse);
        List<RangeStream> streams = new ArrayList<>();
        int unrecoverable = 0;
        for (RangeMovements.Stream s : movements.streams()) {
            // only the replica the target replaces is sure to hold every write acknowledged in its replica set
            // (a quorum may have left another without one): a change reads from it alone, and fails rather than
            // fall back to one that may lack writes
            List<NodeId> candidates = unusableSources.isEmpty() && !s.replaced().isEmpty() ? s.replaced() : s.sources();
            List<NodeId> sources = candidates.stream().filter(n -> !unusableSources.contains(n)).toList();
            if (sources.isEmpty()) {
                unrecoverable++;
                continue;
            }
            TenantFilter only = filter(s.replicationFactors(), rfsInUse, tenants);
            if (unusableSources.isEmpty() && !s.replaced().isEmpty()) {
                streams.add(RangeStream.pending(streams.size(), s.range(), s.target(), sources, s.replicationFactors(),
                        only));
                continue;
            }
            // a forced removal cannot read the node the target replaces, and a write acknowledged at quorum with
            // it may be on any one survivor only; a node added to a ring a forced removal left below the RF
            // replaces no one, and such a write may be on any one node: the target reads the range from every
            // source, one stream each, the others after it in case that one does not answer (then what they
            // lack needs a repair)
            for (int first = 0; first < sources.size(); first++) {
                List<NodeId> order = new ArrayList<>(sources.subList(first, sources.size()));
                order.addAll(sources.subList(0, first));
                streams.add(RangeStream.pending(streams.size(), s.range(), s.target(), order, s.replicationFactors(),
                        only));
            }
        }
        List<RangeRelease> releases = new ArrayList<>();
        Set<NodeId> staying = new java.util.HashSet<>();
        future.ranges().forEach(r -> staying.add(r.primary()));
        for (RangeMovements.Release r : movements.releases()) {
            if (!staying.contains(r.node())) {
                // a node leaving the ring takes its copies with it: nothing to clean up on it
                continue;
            }
            releases.add(new RangeRelease(releases.size(), r.range(), r.node(), r.replicationFactors(),
                    filter(r.replicationFactors(), rfsInUse, tenants)));
        }
        return new Plan(streams, unrecoverable, releases);
    }

    private static TenantFilter filter(SortedSet<Integer> streamRfs, SortedSet<Integer> rfsInUse, Collection<Tenant> tenants) {
        if (streamRfs.containsAll(rfsInUse)) {
            return TenantFilter.ALL;
        }
        List<TenantId> only = tenants.stream().filter(t -> streamRfs.contains(t.replicationFactor())).map(Tenant::id)
                .toList();
        return new TenantFilter.Only(only);
    }

    private static List<Ring.Member> currentMembers(TopologyView view) {
        List<Ring.Member> members = new ArrayList<>();
        for (StorageNode n : view.nodes()) {
            if (n.state().inCurrentRing()) {
                members.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
        }
        return members;
    }
}
