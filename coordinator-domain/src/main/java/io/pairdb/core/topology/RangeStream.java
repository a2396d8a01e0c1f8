package io.pairdb.core.topology;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.TokenRange;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One range a change copies to one node, and how far the copy got: the unit of progress that is
 * persisted and resumed. {@code sources} are tried in order (the replica being replaced first);
 * {@code after} is the last position copied, so a resumed stream scans strictly after it.
 * {@code failingSince} is set while attempts keep failing and cleared by the next batch copied.
 * {@code targetData} names the copy of data the target held when the stream's first scan began
 * ({@link io.pairdb.core.port.StorageRanges#dataId}); a target naming another one later started
 * over empty and lost what was streamed or written to it, even when the range was found empty.
 * Empty until then, or when the target does not say. Immutable.
 */
public record RangeStream(int index, TokenRange range, NodeId target, List<NodeId> sources,
                          SortedSet<Integer> replicationFactors, TenantFilter tenants, StreamState state, long keys,
                          long bytes, Optional<KeyPosition> after, Optional<Instant> failingSince,
                          Optional<String> lastError, Optional<String> targetData) {
    public RangeStream {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(failingSince, "failingSince");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(targetData, "targetData");
        sources = List.copyOf(sources);
        replicationFactors = new TreeSet<>(replicationFactors);
        if (index < 0) {
            throw new IllegalArgumentException("stream index must not be negative");
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a stream needs at least one source");
        }
        if (sources.contains(target)) {
            throw new IllegalArgumentException("stream " + index + " would copy " + target + " onto itself");
        }
        if (keys < 0 || bytes < 0) {
            throw new IllegalArgumentException("streamed counts must not be negative");
        }
    }

    /** A stream nothing has been copied for yet. */
    public static RangeStream pending(int index, TokenRange range, NodeId target, List<NodeId> sources,
                                      SortedSet<Integer> replicationFactors, TenantFilter tenants) {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, StreamState.PENDING, 0, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isDone() {
        return state == StreamState.DONE;
    }

    /** After a batch of {@code count} entries ending at {@code last} reached the target. */
    public RangeStream copied(int count, long batchBytes, KeyPosition last) {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, StreamState.STREAMING,
                keys + count, bytes + batchBytes, Optional.of(last), Optional.empty(), Optional.empty(), targetData);
    }

    /** Once the scan of the whole range ended and everything it yielded reached the target. */
    public RangeStream done() {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, StreamState.DONE, keys, bytes,
                after, Optional.empty(), Optional.empty(), targetData);
    }

    /** After a failed attempt; {@code failingSince} keeps the first failure of the current run of them. */
    public RangeStream failed(Instant at, String error) {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, state, keys, bytes, after,
                Optional.of(failingSince.orElse(at)), Optional.of(error), targetData);
    }

    /** Before its first scan: the copy of data the target holds then. */
    public RangeStream writingOnto(String data) {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, state, keys, bytes, after,
                failingSince, lastError, Optional.of(data));
    }

    /**
     * To be copied again from the start, because its target lost what it was given ({@code why});
     * what was copied before still counts in {@link #keys} and {@link #bytes}.
     */
    public RangeStream again(String why) {
        return new RangeStream(index, range, target, sources, replicationFactors, tenants, StreamState.PENDING, keys,
                bytes, Optional.empty(), Optional.empty(), Optional.of(why), Optional.empty());
    }

    /** Every node the stream involves: its target and its sources. */
    public List<NodeId> nodes() {
        var all = new java.util.ArrayList<NodeId>(sources.size() + 1);
        all.add(target);
        all.addAll(sources);
        return all;
    }
}
