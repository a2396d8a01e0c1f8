package io.pairdb.simulation;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.TopologyChange;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Versions the system could not have kept: when a node loses its disk (or is removed by force while
 * down, so its copies are never read again), every version it was the last holder of is gone for a
 * reason no protocol can undo. The checker does not count those against the system; everything
 * else must survive.
 *
 * <p>A copy counts as surviving where the system reads it: on a replica of its key (natural or
 * pending), or in a hint. A copy only on a joining node survives if the join succeeds. A copy on a
 * node that no longer replicates the key (its range moved, or the RF was lowered, and cleanup has
 * not deleted it yet) does not count: cleanup may hand it back to the replicas (it verifies they
 * hold what it deletes), but only if it gets to that range before the node leaves, within the
 * handover window, which is a chance, not a promise (RF 1 whose one replica lost its disk has
 * lost the write).
 */
final class DataLoss {
    private record Lost(History.Key key, VectorClock clock) {
    }

    private final World world;
    private final Set<Lost> lost = new HashSet<>();
    /** Versions whose only copies left are on joining nodes: lost if all of those joins fail. */
    private final Map<Lost, Set<NodeId>> onJoiningOnly = new HashMap<>();
    private final List<Long> times = new ArrayList<>();

    DataLoss(World world) {
        this.world = world;
    }

    /** Called just before {@code node}'s copies become unreachable for good. */
    void lost(SimNode node) {
        times.add(world.kernel().now());
        int count = forget(node.id);
        int joining = 0;
        TopologyView ring = TopologyView.of(world.stores().topology.load());
        for (Entry e : node.everything()) {
            History.Key key = new History.Key(e.tenant(), e.key());
            for (History.Issued issued : world.history().issued(key)) {
                VectorClock clock = issued.version().clock();
                if (!e.version().clock().covers(clock)) {
                    continue;
                }
                Set<NodeId> joiners = new HashSet<>();
                if (!survives(ring, node.id, e.version(), key, clock, joiners)) {
                    if (joiners.isEmpty()) {
                        lost.add(new Lost(key, clock));
                        count++;
                    } else {
                        onJoiningOnly.merge(new Lost(key, clock), joiners, (a, b) -> {
                            a.addAll(b);
                            return a;
                        });
                        joining++;
                    }
                }
            }
        }
        world.trace().line("nemesis", node.endpoint + " held the only copy of " + count + " versions"
                + (joining == 0 ? "" : "; " + joining + " more are left only on joining nodes"));
    }

    /**
     * A change ended: a joining node that did not make it into the ring takes its copies with it (they
     * are never read); the versions only it still held are lost from now on. A node that joined keeps
     * what it holds as a replica.
     */
    void changeEnded(TopologyChange change) {
        if (change.node().isEmpty() || onJoiningOnly.isEmpty()) {
            return;
        }
        NodeId node = change.node().get();
        boolean joined = world.stores().topology.find(node).map(n -> n.state() == NodeState.NORMAL).orElse(false);
        if (joined) {
            onJoiningOnly.values().removeIf(joiners -> joiners.contains(node));
            return;
        }
        int count = forget(node);
        if (count > 0) {
            times.add(world.kernel().now());
            world.trace().line("nemesis", node + " did not join and held the only copy of " + count + " versions");
        }
    }

    /** The joining node's copies are gone: the versions only it still held are lost; how many. */
    private int forget(NodeId node) {
        int count = 0;
        var it = onJoiningOnly.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            e.getValue().remove(node);
            if (e.getValue().isEmpty()) {
                it.remove();
                if (!hinted(e.getKey())) {
                    lost.add(e.getKey());
                    count++;
                }
            }
        }
        return count;
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
     * Whether a replica of the key (natural or pending) other than {@code lostNode}, or a pending
     * hint, holds the version or a successor; joining nodes that hold it go into {@code joiners}
     * instead, as their copy survives only if they join. A LEAVING node does not count: the ranges it already
     * streamed (perhaps to the node that just lost them) are not streamed again, and it leaves with its
     * copies. Every hint counts, whatever its node: a hint for a node that lost its disk is delivered
     * when the node is back, and one for a node that left or no longer replicates the key goes to the
     * key's current replicas; one for a joining node counts as that node's copy once delivered. A hint
     * for {@code lostNode} that it already held does not count: a replay that delivered it deletes it.
     */
    private boolean survives(TopologyView ring, NodeId lostNode, Version lostHeld, History.Key key, VectorClock clock,
                             Set<NodeId> joiners) {
        Set<NodeId> replicas = replicas(ring, key);
        for (StorageNode n : ring.nodes()) {
            if (n.id().equals(lostNode) || !n.state().inFutureRing()) {
                continue;
            }
            SimNode node = world.nodes().get(n.id());
            if (node == null || node.gone()) {
                continue;
            }
            Optional<Version> held = node.peek(key.tenant(), key.key());
            if (held.isPresent() && held.get().clock().covers(clock)) {
                if (n.state() == NodeState.BOOTSTRAPPING) {
                    joiners.add(n.id());
                } else if (replicas.contains(n.id())) {
                    return true;
                }
            }
        }
        for (PendingHints p : world.stores().hints.stats()) {
            for (Hint h : world.stores().hints.pending(p.target(), Integer.MAX_VALUE)) {
                if (h.tenant().equals(key.tenant()) && h.key().equals(key.key()) && h.version().clock().covers(clock)) {
                    if (p.target().equals(lostNode) && lostHeld.clock().covers(h.version().clock())) {
                        // the node held it: a replay that delivered it deletes it once its batch is done
                        continue;
                    }
                    Optional<StorageNode> target = ring.node(p.target());
                    if (target.isPresent() && target.get().state() == NodeState.BOOTSTRAPPING) {
                        // delivered to the joining node, it survives only if the node joins (or the hint is still
                        // pending when the join fails, and goes to the key's replicas: forget looks again)
                        joiners.add(p.target());
                    } else {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether a hint still pending holds the version or a successor. */
    private boolean hinted(Lost version) {
        for (PendingHints p : world.stores().hints.stats()) {
            for (Hint h : world.stores().hints.pending(p.target(), Integer.MAX_VALUE)) {
                if (h.tenant().equals(version.key().tenant()) && h.key().equals(version.key().key())
                        && h.version().clock().covers(version.clock())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The key's replicas, natural and pending, at the tenant's RF and any RF it is moving to. */
    private Set<NodeId> replicas(TopologyView ring, History.Key key) {
        Optional<Tenant> tenant = world.stores().tenants.find(key.tenant());
        if (tenant.isEmpty() || ring.currentNodeCount() == 0) {
            return Set.of();
        }
        Token token = Token.forKey(key.tenant().value(), key.key());
        int rf = tenant.get().replicationFactor();
        int widest = Math.max(rf, tenant.get().pendingReplicationFactor().orElse(rf));
        Set<NodeId> ids = new HashSet<>();
        ring.replicasFor(token, Math.min(rf, ring.currentNodeCount()), Math.min(widest, ring.currentNodeCount()))
                .ifPresent(sets -> sets.writeTargets().forEach(n -> ids.add(n.id())));
        return ids;
    }
}
