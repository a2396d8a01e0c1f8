package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What moves when the ring changes from {@code current} to {@code future}: for every range
 * and every replication factor in use, each node that becomes a replica receives the range
 * from one that already is one (a stream), and each node that stops being a replica may
 * later drop it (a release, for cleanup). Replica ranges, not primary ranges: a joining node
 * takes over its share of every replica set it enters.
 *
 * <p>Ranges are the elementary ranges between consecutive vnode positions of both rings, so
 * every key in one range has the same replicas before and after. A stream reads first from the
 * replica its target replaces in that RF's replica set: only that one is sure to hold every write
 * acknowledged there (a quorum may have left another replica without it). Replica sets of
 * different RFs drop different members, so a target gaining a range for several RFs gets one
 * stream per distinct source order, each carrying the RFs that share it.
 */
public final class RangeMovements {
    /**
     * Give {@code target} the range. {@code sources} are the current replicas of the stream's RFs,
     * those the target replaces first; {@code replaced} is that leading part: the replicas that
     * leave the replica set the target enters (empty when none leaves it).
     */
    public record Stream(TokenRange range, NodeId target, List<NodeId> sources, List<NodeId> replaced,
                         SortedSet<Integer> replicationFactors) {
        public Stream {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(target, "target");
            sources = List.copyOf(sources);
            replaced = List.copyOf(replaced);
            if (!sources.subList(0, Math.min(replaced.size(), sources.size())).equals(replaced)) {
                throw new IllegalArgumentException("the replaced replicas lead the sources");
            }
            replicationFactors = new TreeSet<>(replicationFactors);
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("a stream needs at least one source");
            }
        }
    }

    /** {@code node} no longer replicates the range for these replication factors. */
    public record Release(TokenRange range, NodeId node, SortedSet<Integer> replicationFactors) {
        public Release {
            replicationFactors = new TreeSet<>(replicationFactors);
        }
    }

    public record Plan(List<Stream> streams, List<Release> releases) {
        public Plan {
            streams = List.copyOf(streams);
            releases = List.copyOf(releases);
        }

        public boolean isEmpty() {
            return streams.isEmpty() && releases.isEmpty();
        }
    }

    private RangeMovements() {
    }

    /**
     * The movements for every replication factor in use. A ring with fewer nodes than an RF (left
     * so by a forced removal; its tenants are unavailable until there are enough) holds each range
     * on every node: a node added to it gains the range from all of them, and no single one is the
     * replica it replaces.
     */
    public static Plan plan(Ring current, Ring future, Collection<Integer> replicationFactors) {
        SortedSet<Integer> rfs = new TreeSet<>(replicationFactors);
        List<Stream> streams = new ArrayList<>();
        List<Release> releases = new ArrayList<>();
        for (TokenRange range : elementaryRanges(current, future)) {
            Map<NodeId, Map<List<NodeId>, SortedSet<Integer>>> gains = new LinkedHashMap<>();
            Map<NodeId, SortedSet<Integer>> losses = new LinkedHashMap<>();
            for (int rf : rfs) {
                if (current.nodeCount() == 0 || future.nodeCount() == 0) {
                    continue;
                }
                List<NodeId> before = holders(current, range, rf);
                List<NodeId> after = holders(future, range, rf);
                for (NodeId n : after) {
                    if (!before.contains(n)) {
                        gains.computeIfAbsent(n, k -> new LinkedHashMap<>())
                                .computeIfAbsent(preferLeaving(before, after), k -> new TreeSet<>()).add(rf);
                    }
                }
                for (NodeId n : before) {
                    if (!after.contains(n)) {
                        losses.computeIfAbsent(n, k -> new TreeSet<>()).add(rf);
                    }
                }
            }
            gains.forEach((target, bySources) -> bySources.forEach((sources, rfsGained) -> {
                List<NodeId> after = holders(future, range, rfsGained.first());
                List<NodeId> replaced = sources.stream().takeWhile(n -> !after.contains(n)).toList();
                streams.add(new Stream(range, target, sources, replaced, rfsGained));
            }));
            losses.forEach((node, rfsLost) -> releases.add(new Release(range, node, rfsLost)));
        }
        return new Plan(streams, releases);
    }

    /** The nodes holding a range at an RF on a ring: its replicas, or every node of a ring with fewer than RF. */
    private static List<NodeId> holders(Ring ring, TokenRange range, int rf) {
        return ring.replicasFor(range.end(), Math.min(rf, ring.nodeCount()));
    }

    /** Current replicas, the one leaving this replica set first: it is the one being replaced. */
    private static List<NodeId> preferLeaving(List<NodeId> before, List<NodeId> after) {
        Set<NodeId> ordered = new LinkedHashSet<>();
        for (NodeId n : before) {
            if (!after.contains(n)) {
                ordered.add(n);
            }
        }
        ordered.addAll(before);
        return List.copyOf(ordered);
    }

    /** The ranges between consecutive vnode positions of either ring, in ring order. */
    static List<TokenRange> elementaryRanges(Ring current, Ring future) {
        TreeSet<Token> positions = new TreeSet<>();
        current.ranges().forEach(r -> positions.add(r.range().end()));
        future.ranges().forEach(r -> positions.add(r.range().end()));
        List<TokenRange> ranges = new ArrayList<>(positions.size());
        Token previous = positions.isEmpty() ? null : positions.last();
        for (Token p : positions) {
            ranges.add(new TokenRange(previous, p));
            previous = p;
        }
        return ranges;
    }
}
