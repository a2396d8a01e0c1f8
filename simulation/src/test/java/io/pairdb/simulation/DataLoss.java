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
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.ReplicationChange;
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
 * pending), or in a hint until the hint is delivered or dropped (its TTL or attempts ran out). A
 * copy only on a joining node survives if the join succeeds, one only on a replica an RF raise adds
 * if the raise completes, one only on the node taking over a leaving node's range if the removal
 * completes (a failed removal gives the range back to the leaving node). A copy on a
 * node that no longer replicates the key (its range moved, or the RF was lowered, and cleanup has
 * not deleted it yet) does not count: cleanup may hand it back to the replicas (it verifies they
 * hold what it deletes), but only if it gets to that range before the node leaves, within the
 * handover window, which is a chance, not a promise (RF 1 whose one replica lost its disk has
 * lost the write).
 */
final class DataLoss {
    private record Lost(History.Key key, VectorClock clock) {
    }

    /** What a copy left only on a node that is not yet a replica waits for to count. */
    private sealed interface Pending {
    }

    /** The node joins the ring. */
    private record Joins(NodeId node) implements Pending {
    }

    /** The tenant's RF raise, which made the node a pending replica, completes. */
    private record Raises(TenantId tenant) implements Pending {
    }

    /** The node's removal, which made another node a pending replica of its ranges, completes. */
    private record Leaves(NodeId node) implements Pending {
    }

    private final World world;
    private final Set<Lost> lost = new HashSet<>();
    /**
     * Versions whose only copies left are on joining nodes or on the new replicas of an RF raise: lost if
     * all of those joins and raises fail.
     */
    private final Map<Lost, Set<Pending>> onJoiningOnly = new HashMap<>();
    /**
     * Versions whose only copies left are in hints, with the node whose loss left them there: looked
     * at again as each hint of their key leaves the store. Delivered, it put the version on a replica;
     * dropped (its TTL ran out, its attempts did), the version is lost.
     */
    private final Map<Lost, LostFrom> onHintsOnly = new HashMap<>();
    private final List<Long> times = new ArrayList<>();

    /**
     * The node whose copies were lost and what it held of the key, for the rule on hints for it; no
     * node and nothing held when the version came to hints otherwise (a join or RF raise that ended).
     */
    private record LostFrom(NodeId node, Optional<Version> held) {
    }

    /** Where a version is left once a node's copies are gone. */
    private enum Fate {
        /** On a replica of its key. */
        KEPT,
        /** In a hint, and on no replica. */
        HINTED,
        /** Nowhere, unless on joining nodes or new replicas of an RF raise. */
        NOWHERE
    }

    DataLoss(World world) {
        this.world = world;
        world.stores().hints.whenDeleted(this::hintLeft);
    }

    /** Called just before {@code node}'s copies become unreachable for good. */
    void lost(SimNode node) {
        times.add(world.kernel().now());
        int count = forget(new Joins(node.id));
        int joining = 0;
        TopologyView ring = TopologyView.of(world.stores().topology.load());
        for (Entry e : node.everything()) {
            History.Key key = new History.Key(e.tenant(), e.key());
            for (History.Issued issued : world.history().issued(key)) {
                VectorClock clock = issued.version().clock();
                if (!e.version().clock().covers(clock)) {
                    continue;
                }
                Set<Pending> joiners = new HashSet<>();
                Lost version = new Lost(key, clock);
                switch (fate(ring, node.id, node.id, Optional.of(e.version()), key, clock, joiners)) {
                    case KEPT -> {
                    }
                    case HINTED -> onHintsOnly.put(version, new LostFrom(node.id, Optional.of(e.version())));
                    case NOWHERE -> {
                        if (joiners.isEmpty()) {
                            lost.add(version);
                            count++;
                        } else {
                            waitFor(version, joiners);
                            joining++;
                        }
                    }
                }
            }
        }
        world.trace().line("nemesis", node.endpoint + " held the only copy of " + count + " versions"
                + (joining == 0 ? "" : "; " + joining + " more are left only on replicas a change in flight would"
                + " make"));
    }

    /**
     * A change ended: a joining node that did not make it into the ring takes its copies with it (they
     * are never read); the versions only it still held are lost from now on. A node that joined keeps
     * what it holds as a replica. Likewise the new replicas of an RF raise that failed: the tenant is
     * read at its old RF, never from them.
     */
    void changeEnded(TopologyChange change) {
        if (onJoiningOnly.isEmpty()) {
            return;
        }
        Pending pending;
        boolean made;
        if (change.replication().isPresent()) {
            ReplicationChange rf = change.replication().get();
            if (rf.to() < rf.from()) {
                return;
            }
            pending = new Raises(rf.tenant());
            made = change.status() == ChangeStatus.COMPLETED;
        } else if (change.node().isPresent() && change.type() == ChangeType.REMOVE_NODE) {
            pending = new Leaves(change.node().get());
            made = change.status() == ChangeStatus.COMPLETED;
        } else if (change.node().isPresent()) {
            NodeId node = change.node().get();
            pending = new Joins(node);
            made = world.stores().topology.find(node).map(n -> n.state() == NodeState.NORMAL).orElse(false);
        } else {
            return;
        }
        if (made) {
            // on a replica now; or, where only a hint for the joined node held it, as safe as that hint
            TopologyView ring = TopologyView.of(world.stores().topology.load());
            var it = onJoiningOnly.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().contains(pending)) {
                    it.remove();
                    Lost version = e.getKey();
                    if (fate(ring, null, null, Optional.empty(), version.key(), version.clock(), new HashSet<>())
                            == Fate.HINTED) {
                        onHintsOnly.put(version, new LostFrom(null, Optional.empty()));
                    }
                }
            }
            return;
        }
        int count = forget(pending);
        if (count > 0) {
            times.add(world.kernel().now());
            String what = switch (pending) {
                case Joins j -> j.node() + " did not join";
                case Raises r -> "the RF raise of " + r.tenant() + " failed";
                case Leaves l -> "the removal of " + l.node() + " failed";
            };
            world.trace().line("nemesis", what + " and the only copy of " + count + " versions was on the replicas it"
                    + " would have made");
        }
    }

    /**
     * A forced removal failed: its node is in the ring again with every copy it held when the removal
     * was committed (nothing deletes from a node that is out), so the versions counted lost that are on
     * a replica of their key again are no longer exempt — a loss of them now is the system's.
     */
    void back(SimNode node) {
        TopologyView ring = TopologyView.of(world.stores().topology.load());
        int count = 0;
        for (var it = lost.iterator(); it.hasNext();) {
            Lost version = it.next();
            if (fate(ring, null, null, Optional.empty(), version.key(), version.clock(), new HashSet<>()) == Fate.KEPT) {
                it.remove();
                count++;
            }
        }
        world.trace().line("nemesis", node.endpoint + " is back in the ring: " + count
                + " versions counted lost are on a replica of their key again");
    }

    /** The copies that waited for {@code pending} are gone: the versions only they still held are lost; how many. */
    private int forget(Pending pending) {
        int count = 0;
        var it = onJoiningOnly.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            e.getValue().remove(pending);
            if (e.getValue().isEmpty()) {
                it.remove();
                if (hinted(e.getKey())) {
                    NodeId from = pending instanceof Joins j ? j.node() : null;
                    onHintsOnly.put(e.getKey(), new LostFrom(from, Optional.empty()));
                } else {
                    lost.add(e.getKey());
                    count++;
                }
            }
        }
        return count;
    }

    private void waitFor(Lost version, Set<Pending> joiners) {
        onJoiningOnly.merge(version, joiners, (a, b) -> {
            a.addAll(b);
            return a;
        });
    }

    /**
     * A hint left the store: each version of its key that only hints still held is looked at again,
     * now that the hint is delivered (on a replica) or dropped (gone).
     */
    private void hintLeft(Hint hint) {
        if (onHintsOnly.isEmpty()) {
            return;
        }
        History.Key key = new History.Key(hint.tenant(), hint.key());
        TopologyView ring = null;
        int count = 0;
        var it = onHintsOnly.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().key().equals(key)) {
                continue;
            }
            if (ring == null) {
                ring = TopologyView.of(world.stores().topology.load());
            }
            Set<Pending> joiners = new HashSet<>();
            // the lost node counts again: what it holds now came after the loss (a hint delivered to it)
            Fate fate = fate(ring, null, e.getValue().node(), e.getValue().held(), key, e.getKey().clock(), joiners);
            if (fate == Fate.HINTED) {
                continue;
            }
            it.remove();
            if (fate == Fate.NOWHERE) {
                if (joiners.isEmpty()) {
                    lost.add(e.getKey());
                    count++;
                } else {
                    waitFor(e.getKey(), joiners);
                }
            }
        }
        if (count > 0) {
            times.add(world.kernel().now());
            world.trace().line("nemesis", "a hint for " + hint.target() + " left the store undelivered, and with it"
                    + " the only copy of " + count + " versions");
        }
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
     * Where the version is: on a replica of the key (natural or pending) other than {@code skip}
     * (KEPT), else in a pending hint (HINTED), else NOWHERE. Joining nodes that hold it go into
     * {@code joiners} instead, as their copy survives only if they join, and so does the raise of the
     * tenant's RF for a replica it adds, as that copy survives only if the raise completes, and so
     * does a node's removal for the node taking over its range (pending). A LEAVING
     * node does not count: the ranges it already streamed (perhaps to the node that just lost them)
     * are not streamed again, and it leaves with its copies. A hint counts whatever its node, until
     * it leaves the store ({@link #hintLeft}): a hint for a node that lost its disk is delivered when
     * the node is back, and one for a node that left or no longer replicates the key goes to the key's
     * current replicas; one for a joining node counts as that node's copy once delivered. A hint for
     * {@code lostNode} that it already held ({@code lostHeld}) does not count: a replay that
     * delivered it deletes it.
     */
    private Fate fate(TopologyView ring, NodeId skip, NodeId lostNode, Optional<Version> lostHeld, History.Key key,
                      VectorClock clock, Set<Pending> joiners) {
        Set<NodeId> replicas = replicas(ring, key, true);
        Set<NodeId> kept = replicas(ring, key, false);
        Set<NodeId> natural = naturalReplicas(ring, key);
        for (StorageNode n : ring.nodes()) {
            if (n.id().equals(skip) || !n.state().inFutureRing()) {
                continue;
            }
            SimNode node = world.nodes().get(n.id());
            if (node == null || node.gone()) {
                continue;
            }
            Optional<Version> held = node.peek(key.tenant(), key.key());
            if (held.isPresent() && held.get().clock().covers(clock)) {
                if (n.state() == NodeState.BOOTSTRAPPING) {
                    joiners.add(new Joins(n.id()));
                } else if (natural.contains(n.id())) {
                    return Fate.KEPT;
                } else if (kept.contains(n.id())) {
                    // pending: it takes over a range of a leaving node, and keeps it only if that node leaves
                    Optional<NodeId> leaving = ring.nodes().stream().filter(l -> l.state() == NodeState.LEAVING)
                            .map(StorageNode::id).findFirst();
                    if (leaving.isEmpty()) {
                        return Fate.KEPT;
                    }
                    joiners.add(new Leaves(leaving.get()));
                } else if (replicas.contains(n.id())) {
                    joiners.add(new Raises(key.tenant()));
                }
            }
        }
        boolean hinted = false;
        for (PendingHints p : world.stores().hints.stats()) {
            for (Hint h : world.stores().hints.pending(p.target(), Integer.MAX_VALUE)) {
                if (h.tenant().equals(key.tenant()) && h.key().equals(key.key()) && h.version().clock().covers(clock)) {
                    if (p.target().equals(lostNode) && lostHeld.isPresent()
                            && lostHeld.get().clock().covers(h.version().clock())) {
                        // the node held it: a replay that delivered it deletes it once its batch is done
                        continue;
                    }
                    Optional<StorageNode> target = ring.node(p.target());
                    if (target.isPresent() && target.get().state() == NodeState.BOOTSTRAPPING) {
                        // delivered to the joining node, it survives only if the node joins (or the hint is still
                        // pending when the join fails, and goes to the key's replicas: forget looks again)
                        joiners.add(new Joins(p.target()));
                    } else {
                        hinted = true;
                    }
                }
            }
        }
        return hinted ? Fate.HINTED : Fate.NOWHERE;
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

    /** The key's natural replicas at the tenant's RF. */
    private Set<NodeId> naturalReplicas(TopologyView ring, History.Key key) {
        Optional<Tenant> tenant = world.stores().tenants.find(key.tenant());
        if (tenant.isEmpty() || ring.currentNodeCount() == 0) {
            return Set.of();
        }
        int rf = Math.min(tenant.get().replicationFactor(), ring.currentNodeCount());
        Set<NodeId> ids = new HashSet<>();
        ring.replicasFor(Token.forKey(key.tenant().value(), key.key()), rf, rf)
                .ifPresent(sets -> sets.natural().forEach(n -> ids.add(n.id())));
        return ids;
    }

    /**
     * The key's replicas, natural and pending, at the tenant's RF and, with {@code raised}, any RF it
     * is moving to.
     */
    private Set<NodeId> replicas(TopologyView ring, History.Key key, boolean raised) {
        Optional<Tenant> tenant = world.stores().tenants.find(key.tenant());
        if (tenant.isEmpty() || ring.currentNodeCount() == 0) {
            return Set.of();
        }
        Token token = Token.forKey(key.tenant().value(), key.key());
        int rf = tenant.get().replicationFactor();
        int widest = raised ? Math.max(rf, tenant.get().pendingReplicationFactor().orElse(rf)) : rf;
        Set<NodeId> ids = new HashSet<>();
        ring.replicasFor(token, Math.min(rf, ring.currentNodeCount()), Math.min(widest, ring.currentNodeCount()))
                .ifPresent(sets -> sets.writeTargets().forEach(n -> ids.add(n.id())));
        return ids;
    }
}
