package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node joining or leaving the ring, as persisted so any coordinator can drive or resume it:
 * the range streams it needs and their progress, its status and who holds its lease.
 * {@code ringEpoch} is the epoch that made its node BOOTSTRAPPING or LEAVING; streaming waits
 * until every live coordinator serves it. {@code force} is a removal of a node that was down:
 * its streams read from the surviving replicas; {@code unrecoverableRanges} counts the ranges no
 * surviving replica held (RF 1 on the dead node). Immutable.
 */
public record TopologyChange(ChangeId id, ChangeType type, NodeId node, ChangeStatus status, long ringEpoch, boolean force,
                             int unrecoverableRanges, List<RangeStream> streams, Instant startedAt, Instant updatedAt,
                             Optional<Instant> completedAt, Optional<String> error, Optional<Lease> lease) {
    public TopologyChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
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
                now, completedAt, error, lease);
    }

    public TopologyChange withLease(Optional<Lease> newLease) {
        return new TopologyChange(id, type, node, status, ringEpoch, force, unrecoverableRanges, streams, startedAt,
                updatedAt, completedAt, error, newLease);
    }

    /** The change as it ends: final status, completion time, no lease. */
    public TopologyChange ended(ChangeStatus finalStatus, Optional<String> reason, List<RangeStream> finalStreams,
                                Instant now) {
        if (!finalStatus.isFinal()) {
            throw new IllegalArgumentException("a change ends COMPLETED, FAILED or ROLLED_BACK, not " + finalStatus);
        }
        return new TopologyChange(id, type, node, finalStatus, ringEpoch, force, unrecoverableRanges, finalStreams,
                startedAt, now, Optional.of(now), reason, Optional.empty());
    }
}
