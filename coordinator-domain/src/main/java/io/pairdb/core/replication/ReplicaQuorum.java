package io.pairdb.core.replication;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The replicas of a key that a read at a consistency level asks, and the answers it needs of them.
 *
 * <p>Normally the first RF replicas of the current ring, of which the level's count. While a
 * change moves the tenant's RF from {@code r} to {@code r'}, a read counts the level among both
 * the first {@code r} and the first {@code r'} replicas (it asks the larger set, and {@link
 * #also()} names the smaller): a joint quorum, as a membership change in consensus. The change's
 * last epoch switches coordinators to {@code r'} alone without a fence, so a coordinator still on
 * the change's epoch reads next to ones that write at {@code r'} only; counting the level among
 * the {@code r'} replicas too is what makes its reads meet those writes (lowering 3 to 2, a read
 * at one of the dropped replica would miss a write at all of the two kept; lowering 3 to 1, a read
 * at quorum of the two others would miss a write at quorum of the one kept). Writes keep the
 * same rule ({@code CoordinateWrite}). The new replicas of a raise may not hold everything yet;
 * the old ones' count still finds it, as the newest answer wins.
 */
public record ReplicaQuorum(List<StorageNode> replicas, int required, Optional<AlsoAmong> also) {
    public ReplicaQuorum {
        replicas = List.copyOf(replicas);
    }

    /** The read's replicas and count, or empty when the current ring has fewer nodes than the RF. */
    public static Optional<ReplicaQuorum> of(TopologyView view, Token token, Tenant tenant, ConsistencyLevel level) {
        int rf = tenant.replicationFactor();
        Optional<ReplicaSets> sets = view.replicasFor(token, rf);
        if (sets.isEmpty()) {
            return Optional.empty();
        }
        List<StorageNode> natural = sets.get().natural();
        int to = tenant.pendingReplicationFactor().map(r -> Math.min(r, view.currentNodeCount())).orElse(rf);
        if (to == rf) {
            return Optional.of(new ReplicaQuorum(natural, level.required(rf), Optional.empty()));
        }
        List<StorageNode> larger = to > rf ? view.replicasFor(token, to).orElseThrow().natural() : natural;
        List<StorageNode> smaller = to > rf ? natural : natural.subList(0, to);
        return Optional.of(new ReplicaQuorum(larger, level.required(larger.size()), Optional.of(new AlsoAmong(
                smaller.stream().map(StorageNode::id).collect(Collectors.toSet()), level.required(smaller.size())))));
    }

    /** How many of {@code answering} count towards {@link #also()}; all of them when there is none. */
    public long amongAlso(List<StorageNode> answering) {
        return also.map(a -> answering.stream().filter(n -> a.members().contains(n.id())).count())
                .orElse((long) answering.size());
    }

    /** The count {@link #also()} needs, or {@code 0} when there is none. */
    public int alsoRequired() {
        return also.map(AlsoAmong::required).orElse(0);
    }
}
