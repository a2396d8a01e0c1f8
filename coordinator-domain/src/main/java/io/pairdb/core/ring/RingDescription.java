package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The ring of one epoch as {@code nodetool describering} shows it: every range between consecutive
 * vnode positions of the current and future rings (so every key of a range has the same replica
 * sets), with its natural and pending replicas for one replication factor. Pure, immutable.
 */
public record RingDescription(long epoch, int replicationFactor, List<Range> ranges) {
    public RingDescription {
        ranges = List.copyOf(ranges);
    }

    /** A range and its replicas, primary first. */
    public record Range(TokenRange range, List<NodeId> natural, List<NodeId> pending) {
        public Range {
            natural = List.copyOf(natural);
            pending = List.copyOf(pending);
        }
    }

    /** The description, or empty when the current ring has fewer than {@code rf} nodes. */
    public static Optional<RingDescription> of(TopologyView view, int rf) {
        if (rf < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + rf);
        }
        if (rf > view.currentNodeCount()) {
            return Optional.empty();
        }
        TreeSet<Token> positions = new TreeSet<>();
        view.currentRing().ranges().forEach(r -> positions.add(r.range().end()));
        view.futureRing().ranges().forEach(r -> positions.add(r.range().end()));
        List<Range> ranges = new ArrayList<>(positions.size());
        Token previous = positions.last();
        for (Token end : positions) {
            ReplicaSets sets = view.replicasFor(end, rf).orElseThrow();
            ranges.add(new Range(new TokenRange(previous, end), ids(sets.natural()), ids(sets.pending())));
            previous = end;
        }
        return Optional.of(new RingDescription(view.epoch(), rf, ranges));
    }

    /** The nodes' ids, in order. */
    static List<NodeId> ids(List<StorageNode> nodes) {
        return nodes.stream().map(StorageNode::id).toList();
    }
}
