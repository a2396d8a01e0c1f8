package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.TokenRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A range a node holds a copy of that it will not replicate, for these replication factors and
 * these tenants: what the change's cleanup may later delete from it. Either the node stops
 * replicating the range when the change completes ({@link When#COMPLETED}), or the change copied
 * the range to it and the copy is stray if the change fails and is rolled back ({@link
 * When#FAILED}). Planned and stored with the change's streams, so the cleanup deletes what the
 * change moved and not what the ring looks like by then. Immutable.
 */
public record RangeRelease(int index, TokenRange range, NodeId node, SortedSet<Integer> replicationFactors,
                           TenantFilter tenants, When when) {
    /** How the change must end for the release to be cleaned up. */
    public enum When { COMPLETED, FAILED }

    public RangeRelease {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(when, "when");
        replicationFactors = new TreeSet<>(replicationFactors);
        if (index < 0) {
            throw new IllegalArgumentException("release index must not be negative");
        }
        if (replicationFactors.isEmpty()) {
            throw new IllegalArgumentException("a release names at least one replication factor");
        }
    }

    /** A range the node stops replicating once the change completes. */
    public RangeRelease(int index, TokenRange range, NodeId node, SortedSet<Integer> replicationFactors,
                        TenantFilter tenants) {
        this(index, range, node, replicationFactors, tenants, When.COMPLETED);
    }

    /**
     * {@code releases} followed by one release per stream, of its range on its target, due if the
     * change fails: a rolled-back change leaves what it copied on nodes that do not replicate it,
     * and such stray copies bring deleted keys back once the tombstones are purged elsewhere.
     */
    public static List<RangeRelease> withRollback(List<RangeRelease> releases, List<RangeStream> streams) {
        List<RangeRelease> all = new ArrayList<>(releases);
        for (RangeStream s : streams) {
            all.add(new RangeRelease(all.size(), s.range(), s.target(), s.replicationFactors(), s.tenants(), When.FAILED));
        }
        return all;
    }

    /**
     * Whether the release is part of the cleanup of a change with {@code status}: its stray copies
     * once it failed or was rolled back, the ranges it releases otherwise (in progress or completed).
     */
    public boolean concerns(ChangeStatus status) {
        boolean failed = status == ChangeStatus.FAILED || status == ChangeStatus.ROLLED_BACK;
        return (when == When.FAILED) == failed;
    }

    /** Whether the release is to be cleaned up once its change ended with {@code status}. */
    public boolean dueAfter(ChangeStatus status) {
        return switch (when) {
            case COMPLETED -> status == ChangeStatus.COMPLETED;
            case FAILED -> status == ChangeStatus.FAILED || status == ChangeStatus.ROLLED_BACK;
        };
    }
}
