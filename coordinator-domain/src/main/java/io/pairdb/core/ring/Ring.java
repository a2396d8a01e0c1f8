package io.pairdb.core.ring;

import io.pairdb.core.node.NodeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A consistent-hash ring of physical nodes with virtual nodes (DESIGN.md §4). Immutable.
 * Virtual node {@code i} of node {@code n} sits at {@code hash(n + "-vnode-" + i)}; a key's
 * replicas are the first RF distinct nodes met walking clockwise from the first vnode at or
 * after the key's token, wrapping.
 */
public final class Ring {
    /** A node and its vnode count, the ring's only inputs. */
    public record Member(NodeId node, int virtualNodes) {
        public Member {
            Objects.requireNonNull(node, "node");
            if (virtualNodes < 1) {
                throw new IllegalArgumentException("a ring member needs at least one vnode");
            }
        }
    }

    /** A vnode: its position and owner. */
    public record VirtualNode(Token position, NodeId owner) {
    }

    private final long[] positions;
    private final NodeId[] owners;
    private final int nodeCount;

    private Ring(long[] positions, NodeId[] owners, int nodeCount) {
        this.positions = positions;
        this.owners = owners;
        this.nodeCount = nodeCount;
    }

    public static Ring of(Collection<Member> members) {
        List<VirtualNode> vnodes = new ArrayList<>();
        Set<NodeId> distinct = new LinkedHashSet<>();
        for (Member m : members) {
            if (!distinct.add(m.node())) {
                throw new IllegalArgumentException("node " + m.node() + " is in the ring twice");
            }
            for (int i = 0; i < m.virtualNodes(); i++) {
                vnodes.add(new VirtualNode(Token.forVnode(m.node().value(), i), m.node()));
            }
        }
        // a position collision between two nodes is astronomically unlikely; the id order makes it deterministic anyway
        vnodes.sort(Comparator.comparing(VirtualNode::position).thenComparing(VirtualNode::owner));
        long[] positions = new long[vnodes.size()];
        NodeId[] owners = new NodeId[vnodes.size()];
        for (int i = 0; i < vnodes.size(); i++) {
            positions[i] = vnodes.get(i).position().value();
            owners[i] = vnodes.get(i).owner();
        }
        return new Ring(positions, owners, distinct.size());
    }

    public static Ring empty() {
        return new Ring(new long[0], new NodeId[0], 0);
    }

    public int nodeCount() {
        return nodeCount;
    }

    public boolean isEmpty() {
        return nodeCount == 0;
    }

    /**
     * The first {@code rf} distinct nodes clockwise from the token, in ring order.
     *
     * @throws IllegalArgumentException when the ring has fewer than {@code rf} nodes
     */
    public List<NodeId> replicasFor(Token token, int rf) {
        if (rf < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + rf);
        }
        if (rf > nodeCount) {
            throw new IllegalArgumentException(
                    "replication factor " + rf + " exceeds the " + nodeCount + " nodes in the ring");
        }
        LinkedHashSet<NodeId> replicas = new LinkedHashSet<>();
        int start = firstIndexAtOrAfter(token);
        for (int step = 0; step < positions.length && replicas.size() < rf; step++) {
            replicas.add(owners[(start + step) % positions.length]);
        }
        return List.copyOf(replicas);
    }

    /** Every vnode's range {@code (predecessor, position]} with its owner, in ring order. */
    public List<OwnedRange> ranges() {
        List<OwnedRange> ranges = new ArrayList<>(positions.length);
        for (int i = 0; i < positions.length; i++) {
            long predecessor = positions[(i - 1 + positions.length) % positions.length];
            ranges.add(new OwnedRange(new TokenRange(new Token(predecessor), new Token(positions[i])), owners[i]));
        }
        return ranges;
    }

    /** A range and the node whose vnode ends it (its primary replica). */
    public record OwnedRange(TokenRange range, NodeId primary) {
    }

    /** The share of the ring each node is primary for, in percent. */
    public Map<NodeId, Double> ownershipPercent() {
        Map<NodeId, Double> share = new HashMap<>();
        if (positions.length == 1) {
            share.put(owners[0], 100.0);
            return share;
        }
        for (OwnedRange r : ranges()) {
            share.merge(r.primary(), r.range().fractionOfRing() * 100.0, Double::sum);
        }
        return share;
    }

    private int firstIndexAtOrAfter(Token token) {
        // binary search in unsigned order: the first position >= token, or 0 when the token is past the last vnode
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(positions[mid], token.value()) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == positions.length ? 0 : lo;
    }

    @Override
    public String toString() {
        return "Ring[" + nodeCount + " nodes, " + positions.length + " vnodes, first=" +
                (positions.length == 0 ? "-" : Long.toUnsignedString(positions[0])) + "]";
    }

    long[] positionsForTest() {
        return Arrays.copyOf(positions, positions.length);
    }
}
