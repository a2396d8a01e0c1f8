package io.pairdb.simulation;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Versions the system could not have kept: when a node loses its disk (or is removed by force while
 * down, so its copies are never read again), every version it was the last holder of is gone for a
 * reason no protocol can undo. The checker does not count those against the system; everything
 * else must survive.
 */
final class DataLoss {
    private record Lost(History.Key key, VectorClock clock) {
    }

    private final World world;
    private final Set<Lost> lost = new HashSet<>();
    private final List<Long> times = new ArrayList<>();

    DataLoss(World world) {
        this.world = world;
    }

    /** Called just before {@code node}'s copies become unreachable for good. */
    void lost(SimNode node) {
        times.add(world.kernel().now());
        int count = 0;
        for (Entry e : node.everything()) {
            History.Key key = new History.Key(e.tenant(), e.key());
            for (History.Issued issued : world.history().issued(key)) {
                VectorClock clock = issued.version().clock();
                if (e.version().clock().covers(clock) && !survives(node.id, key, clock)) {
                    lost.add(new Lost(key, clock));
                    count++;
                }
            }
        }
        world.trace().line("nemesis", node.endpoint + " held the only copy of " + count + " versions");
    }

    boolean exempt(History.Key key, VectorClock clock) {
        return lost.contains(new Lost(key, clock));
    }

    /** Whether any loss happened in {@code (from, to]}. */
    boolean anyBetween(long from, long to) {
        return times.stream().anyMatch(t -> t > from && t <= to);
    }

    boolean any() {
        return !times.isEmpty();
    }

    /**
     * Whether a node that stays in the ring, other than {@code lostNode}, or a pending hint holds the
     * version or a successor. A LEAVING node does not count: the ranges it already streamed (perhaps
     * to the node that just lost them) are not streamed again, and it leaves with its copies. Every
     * hint counts, whatever its node: a hint for a node that lost its disk is delivered when the node
     * is back, and one for a node that left or no longer replicates the key goes to the key's
     * current replicas.
     */
    private boolean survives(NodeId lostNode, History.Key key, VectorClock clock) {
        for (StorageNode n : world.stores().topology.load().nodes()) {
            if (n.id().equals(lostNode) || !n.state().inFutureRing()) {
                continue;
            }
            SimNode node = world.nodes().get(n.id());
            if (node == null || node.gone()) {
                continue;
            }
            Optional<Version> held = node.peek(key.tenant(), key.key());
            if (held.isPresent() && held.get().clock().covers(clock)) {
                return true;
            }
        }
        for (PendingHints p : world.stores().hints.stats()) {
            for (Hint h : world.stores().hints.pending(p.target(), Integer.MAX_VALUE)) {
                if (h.tenant().equals(key.tenant()) && h.key().equals(key.key()) && h.version().clock().covers(clock)) {
                    return true;
                }
            }
        }
        return false;
    }
}
