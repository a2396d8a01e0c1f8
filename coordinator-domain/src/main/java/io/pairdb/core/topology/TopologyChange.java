package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node joining or leaving the ring, or a tenant's replication factor changing ({@code node}
 * or {@code replication} tells which, by {@code type}), as persisted so any coordinator can drive or resume it:
 * the range streams it needs and their progress, its status and who holds its lease.
 * {@code ringEpoch} is the epoch that made its node BOOTSTRAPPING or LEAVING; streaming waits
 * until every live coordinator serves it. {@code force} is a removal of a node that was down:
 * its streams read from the surviving replicas; {@code unrecoverableRanges} counts the ranges no
 * surviving replica held (RF 1 on the dead node). Immutable.
 */
public record TopologyChange(ChangeId id, ChangeType type, Optional<NodeId> node, ChangeStatus status, long ringEpoch,
                             boolean force, int unrecoverableRanges, List<RangeStream> streams, Instant startedAt,
                             Instant updatedAt, Optional<Instant> completedAt, Optional<String> error,
                             Optional<Lease> lease, Optional<ReplicationChange> replication) {
    public TopologyChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(replication, "replication");
        if (type.concernsNode() != node.isPresent() || type.concernsNode() == replication.isPresent()) {
            throw new IllegalArgumentException("a " + type + " change concerns " + (type.concernsNode() ? "a node" : "a tenant")
                    + " and nothing else");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(lease, "lease");
        streams = List.copyOf(streams);
        for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i).index() != i) {
                throw new IllegalArgumentException("stream " + i + " carries index " + streams.get(i).index());
            }
        }
        if (status.isFinal() != completedAt.isPresent()) {
            throw new IllegalArgumentException("a change has a completion time exactly when it is over");
        }
    }

    /** A node change (ADD_NODE, REMOVE_NODE). */
    public TopologyChange(ChangeId id, ChangeType type, NodeId node, ChangeStatus status, long ringEpoch, boolean force,
                          int unrecoverableRanges, List<RangeStream> streams, Instant startedAt, Instant updatedAt,
                          Optional<Instant> completedAt, Optional<String> error, Optional<Lease> lease) {
        this(id, type, Optional.of(node), status, ringEpoch, force, unrecoverableRanges, streams, startedAt, updatedAt,
                completedAt, error, lease, Optional.empty());
    }

    /** What the change is about, for messages: {@code node n1} or {@code tenant t (RF 2 -> 3)}. */
    public String subject() {
        return node.map(n -> "node " + n).orElseGet(() -> {
            ReplicationChange r = replication.orElseThrow();
            return "tenant " + r.tenant() + " (RF " + r.from() + " -> " + r.to() + ")";
        });
    }

    /** Sums over the streams, for a summary. */
    public record Totals(int streams, int pending, int streaming, int done, long keys, long bytes) {
    }

    public Totals totals() {
        int pending = 0;
        int streaming = 0;
        int done = 0;
        long keys = 0;
        long bytes = 0;
        for (RangeStream s : streams) {
            switch (s.state()) {
                case PENDING -> pending++;
                case STREAMING -> streaming++;
                case DONE -> done++;
            }
            keys += s.keys();
            bytes += s.bytes();
        }
        return new Totals(streams.size(), pending, streaming, done, keys, bytes);
    }

    public boolean inProgress() {
        return status == ChangeStatus.IN_PROGRESS;
    }

    public TopologyChange withStreams(List<RangeStream> newStreams, Instant now) {
        return new TopologyChange(id, type, node, status, ringEpoch, force, unrecoverableRanges, newStreams, startedAt,
                now, completedAt, error, lease, replication);
    }

    public TopologyChange withLease(Optional<Lease> newLease) {
        return new TopologyChange(id, type, node, status, ringEpoch, force, unrecoverableRanges, streams, startedAt,
                updatedAt, completedAt, error, newLease, replication);
    }

    /** The change as it ends: final status, completion time, no lease. */
    public TopologyChange ended(ChangeStatus finalStatus, Optional<String> reason, List<RangeStream> finalStreams,
                                Instant now) {
        if (!finalStatus.isFinal()) {
            throw new IllegalArgumentException("a change ends COMPLETED, FAILED or ROLLED_BACK, not " + finalStatus);
        }
        return new TopologyChange(id, type, node, finalStatus, ringEpoch, force, unrecoverableRanges, finalStreams,
                startedAt, now, Optional.of(now), reason, Optional.empty(), replication);
    }
}
