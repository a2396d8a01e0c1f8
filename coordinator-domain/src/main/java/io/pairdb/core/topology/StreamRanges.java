package io.pairdb.core.topology;

import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Copies a stream's range from one of its sources to its target, one batch per call: a
 * {@code StreamRange} scan of the first source that answers (sources marked DOWN are tried last),
 * then a conditional {@code WriteBatch} of what it yielded to the target, during which the next
 * batch is already read from the source (pipelining: a stream waits for one round trip per batch,
 * not two). Progress moves only once a batch is on the target, so a stream resumed from its last
 * position ({@code after}) never skips an entry; entries copied twice are ignored by conditional
 * apply.
 *
 * <p>Every batch copied is charged to the coordinator's {@link StreamThrottle}; the driver waits
 * for it before the next.
 *
 * <p>With a tenant filter the tenants are scanned one after another, in id order; a stream's
 * position names the tenant it is in, which is where a resumed stream picks up.
 */
public final class StreamRanges {
    /** What one call achieved. */
    public sealed interface Progress {
        /** A batch reached the target; {@code stream} is the stream after it. */
        record Copied(RangeStream stream, int entries) implements Progress {
        }

        /** The whole range reached the target. */
        record Finished(RangeStream stream) implements Progress {
        }

        /** No source could be scanned, or the target did not take the batch. Nothing moved. */
        record Failed(String error) implements Progress {
        }

        /**
         * The lease on the change might run out before the next write to the target ended, so it was
         * not sent: the driver stops, and whoever holds the lease next meets no late write of it.
         */
        record Stopped(String reason) implements Progress {
        }
    }

    private final StorageRanges ranges;
    private final Scheduler scheduler;
    private final ChangeSettings settings;
    private final StreamThrottle throttle;

    public StreamRanges(StorageRanges ranges, Scheduler scheduler, ChangeSettings settings, StreamThrottle throttle) {
        this.ranges = Objects.requireNonNull(ranges, "ranges");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
    }

    /** The cap on what this coordinator streams, shared by the changes it drives. */
    public StreamThrottle throttle() {
        return throttle;
    }

    /**
     * Starts copying a stream from where it got to, writing only while {@code lease} holds for a
     * whole write. Close the transfer when done with it.
     */
    Transfer resume(RangeStream stream, Supplier<TopologyView> topology, LeaseHold lease) {
        return new Transfer(stream, topology, lease);
    }

    /**
     * The done streams among {@code streams} whose target holds another copy of data now than the
     * one named before their first scan: it started over empty since (its disk was lost or
     * replaced), so what they copied is gone and they must be copied again. Each such target is
     * asked once; streams whose target did not say, or is no longer in the ring, are not counted.
     * Blocks for at most about a storage timeout per target.
     *
     * @throws PairDbException naming a target that could not be asked
     */
    List<RangeStream> lostOnTheirTargets(List<RangeStream> streams, TopologyView view) {
        Map<NodeId, Optional<String>> holding = new HashMap<>();
        List<RangeStream> lost = new ArrayList<>();
        for (RangeStream s : streams) {
            if (!s.isDone() || s.targetData().isEmpty()) {
                continue;
            }
            Optional<StorageNode> target = view.node(s.target()).filter(n -> n.state() != NodeState.LEFT);
            if (target.isEmpty()) {
                continue;
            }
            Optional<String> now = holding.computeIfAbsent(s.target(), id -> dataId(target.get()));
            if (now.isPresent() && !now.equals(s.targetData())) {
                lost.add(s);
            }
        }
        return lost;
    }

    /** The node's data id, waited for at most the storage timeout; throws what the call failed with. */
    private Optional<String> dataId(StorageNode node) {
        CompletableFuture<Optional<String>> call = Timeouts.bound(scheduler,
                Futures.started(() -> ranges.dataId(node, settings.streaming().storageTimeout())), settings.streaming().storageTimeout(),
                () -> new PairDbException("node " + node.id(), "node " + node.id()
                        + " did not say which data it holds within " + settings.streaming().storageTimeout()));
        try {
            return call.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = Futures.cause(e);
            throw cause instanceof PairDbException p ? p
                    : new PairDbException("node " + node.id(), "asking " + node.id() + " for its data id failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairDbException("node " + node.id(), "interrupted while asking " + node.id() + " for its data id", e);
        }
    }

    /** One stream's copy in progress: it keeps its scan open between calls. Not thread-safe. */
    public final class Transfer implements AutoCloseable {
        private final Supplier<TopologyView> topology;
        private final LeaseHold lease;
        private RangeStream stream;
        private final List<TenantId> tenants;
        private int tenantIndex;
        private StorageRanges.Scan scan;
        private NodeId scanning;
        /** The batch read from {@code scanning} while the one before it was written; null when none is. */
        private List<StorageRanges.Entry> ahead;
        /** Whether the target was asked for its data id in this transfer (one that does not say is asked once). */
        private boolean targetAsked;

        private Transfer(RangeStream stream, Supplier<TopologyView> topology, LeaseHold lease) {
            this.stream = stream;
            this.topology = topology;
            this.lease = lease;
            this.tenants = switch (stream.tenants()) {
                case TenantFilter.AllTenants all -> List.of();
                case TenantFilter.Only only -> only.tenants();
            };
            this.tenantIndex = startingTenant();
        }

        public RangeStream stream() {
            return stream;
        }

        /**
         * {@link #next} on the scheduler, off the caller's thread (so that several streams copy at
         * once). The future completes with what it achieved; an unexpected error is a {@link
         * Progress.Failed} naming it. The transfer must not be used again before it completes.
         */
        public CompletableFuture<Progress> nextElsewhere() {
            CompletableFuture<Progress> result = new CompletableFuture<>();
            scheduler.execute(() -> {
                try {
                    result.complete(next());
                } catch (RuntimeException e) {
                    result.complete(new Progress.Failed("copying a batch failed: " + e));
                }
            });
            return result;
        }

        /**
         * Copies the next batch, reading the one after it from the source while it is written to
         * the target (it is kept for the next call). Blocks for at most about three storage timeouts.
         */
        public Progress next() {
            TopologyView view = topology.get();
            Optional<StorageNode> target = view.node(stream.target()).filter(n -> n.state() != NodeState.LEFT);
            if (target.isEmpty()) {
                rewind();
                return new Progress.Failed("target node " + stream.target() + " is not in the ring");
            }
            // named before the first scan, not the first batch: a range found empty is done at once, yet the
            // target took writes to it as a pending replica, which a later loss of its disk takes too
            Optional<Progress> unnamed = nameTargetData(target.get());
            if (unnamed.isPresent()) {
                rewind();
                return unnamed.get();
            }
            List<StorageNode> sources = candidates(view);
            if (scanning != null && sources.stream().noneMatch(n -> n.id().equals(scanning))) {
                rewind();
            }
            List<String> errors = new ArrayList<>();
            for (StorageNode source : sources) {
                Optional<List<StorageRanges.Entry>> batch;
                try {
                    batch = read(source);
                } catch (PairDbException e) {
                    rewind();
                    errors.add(e.getMessage());
                    continue;
                }
                if (batch.isEmpty()) {
                    stream = stream.done();
                    return new Progress.Finished(stream);
                }
                return copy(source, target.get(), batch.get());
            }
            return new Progress.Failed(errors.isEmpty() ? "no source of the range is in the ring"
                    : "no source could be scanned: " + String.join("; ", errors));
        }

        /**
         * Before the stream's first scan: which copy of data the target holds, so that
         * one started over empty since can be told ({@link #lostOnTheirTargets}). A target that does
         * not say is asked once per transfer. What stopped the copy, if anything did.
         */
        private Optional<Progress> nameTargetData(StorageNode target) {
            if (stream.targetData().isPresent() || targetAsked) {
                return Optional.empty();
            }
            try {
                dataId(target).ifPresent(data -> stream = stream.writingOnto(data));
                targetAsked = true;
                return Optional.empty();
            } catch (PairDbException e) {
                return Optional.of(new Progress.Failed("target " + target.id() + " did not say which data it holds: "
                        + e.getMessage()));
            }
        }

        /**
         * Writes the batch to the target and meanwhile reads the next from the source. Progress moves
         * once the batch is on the target; what was read ahead is only kept, so a failed write loses
         * nothing and a failed read ahead is read again (from the stream's position) next time.
         */
        private Progress copy(StorageNode source, StorageNode target, List<StorageRanges.Entry> entries) {
            List<List<StorageRanges.Entry>> pieces = StorageRanges.batches(entries,
                    settings.streaming().batchEntries(), settings.streaming().batchBytes());
            if (!lease.holdsFor(settings.streaming().storageTimeout())) {
                rewind();
                return stopped(target);
            }
            CompletableFuture<StorageRanges.BatchApplied> first = writing(target, pieces.getFirst());
            boolean exhausted = false;
            try {
                Optional<List<StorageRanges.Entry>> following = read(source);
                following.ifPresent(batch -> ahead = batch);
                exhausted = following.isEmpty();
            } catch (PairDbException e) {
                // the source failed the read ahead: the next call reads again from the stream's position
                closeScan();
            }
            Optional<Progress> refused = awaited(target, first);
            for (int i = 1; refused.isEmpty() && i < pieces.size(); i++) {
                refused = lease.holdsFor(settings.streaming().storageTimeout())
                        ? awaited(target, writing(target, pieces.get(i))) : Optional.of(stopped(target));
            }
            if (refused.isPresent()) {
                rewind();
                return refused.get();
            }
            long bytes = entries.stream().mapToLong(StorageRanges.Entry::approximateBytes).sum();
            stream = stream.copied(entries.size(), bytes, entries.getLast().position());
            throttle.charge(bytes);
            if (exhausted) {
                stream = stream.done();
                return new Progress.Finished(stream);
            }
            return new Progress.Copied(stream, entries.size());
        }

        /**
         * The stream's next batch from {@code source} (the one read ahead, if any), or empty once its
         * every tenant is scanned to the end; throws what the scan threw.
         */
        private Optional<List<StorageRanges.Entry>> read(StorageNode source) {
            if (ahead != null && source.id().equals(scanning)) {
                List<StorageRanges.Entry> batch = ahead;
                ahead = null;
                return Optional.of(batch);
            }
            while (true) {
                Optional<List<StorageRanges.Entry>> batch = open(source).next(settings.streaming().storageTimeout());
                if (batch.isPresent() && batch.get().isEmpty()) {
                    continue;
                }
                if (batch.isEmpty()) {
                    closeScan();
                    if (tenantIndex + 1 < tenants.size()) {
                        tenantIndex++;
                        continue;
                    }
                    return Optional.empty();
                }
                return batch;
            }
        }

        /**
         * Forgets the open scan and what was read ahead, and goes back to the tenant of the stream's
         * position: the next read starts from what reached the target, never past it.
         */
        private void rewind() {
            closeScan();
            tenantIndex = startingTenant();
        }

        private int startingTenant() {
            return stream.after().map(p -> Math.max(0, tenants.indexOf(p.tenant()))).orElse(0);
        }

        /** The stream's sources that are still in the ring, those marked UP first. */
        private List<StorageNode> candidates(TopologyView view) {
            List<StorageNode> up = new ArrayList<>();
            List<StorageNode> down = new ArrayList<>();
            for (NodeId id : stream.sources()) {
                view.node(id).filter(n -> n.state() != NodeState.LEFT)
                        .ifPresent(n -> (n.liveness() == Liveness.UP ? up : down).add(n));
            }
            if (scanning != null) {
                // keep reading from the source whose scan is open
                up.sort((a, b) -> Boolean.compare(!a.id().equals(scanning), !b.id().equals(scanning)));
            }
            up.addAll(down);
            return up;
        }

        private StorageRanges.Scan open(StorageNode source) {
            if (scan != null && source.id().equals(scanning)) {
                return scan;
            }
            closeScan();
            Optional<TenantId> tenant = tenants.isEmpty() ? Optional.empty() : Optional.of(tenants.get(tenantIndex));
            Optional<KeyPosition> after = stream.after()
                    .filter(p -> tenant.isEmpty() || p.tenant().equals(tenant.get()));
            scan = ranges.scan(source, stream.range(), tenant, after, settings.streaming().batchEntries());
            scanning = source.id();
            return scan;
        }

        /** Why the copy stopped before a batch write: the lease might not outlast it. */
        private Progress stopped(StorageNode target) {
            return new Progress.Stopped("the lease on the change may run out before a batch write to "
                    + target.id() + " ends (bound " + settings.streaming().storageTimeout() + ")");
        }

        /** A batch write under way, bounded by the storage timeout; start it only while the lease outlasts that. */
        private CompletableFuture<StorageRanges.BatchApplied> writing(StorageNode target, List<StorageRanges.Entry> piece) {
            return Timeouts.bound(scheduler, Futures.started(() -> ranges.writeBatch(target, piece, settings.streaming().storageTimeout())),
                    settings.streaming().storageTimeout(), () -> new PairDbException("node " + target.id(),
                            "batch write to " + target.id() + " not acknowledged within " + settings.streaming().storageTimeout()));
        }

        /** Waits for a batch write; what stopped it, if anything did. */
        private Optional<Progress> awaited(StorageNode target, CompletableFuture<StorageRanges.BatchApplied> write) {
            try {
                write.get();
                return Optional.empty();
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = Futures.cause(e);
                return Optional.of(new Progress.Failed("target " + target.id() + " did not take a batch: "
                        + cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(new Progress.Failed("interrupted while writing to " + target.id()));
            }
        }

        private void closeScan() {
            ahead = null;
            if (scan != null) {
                scan.close();
                scan = null;
                scanning = null;
            }
        }

        @Override
        public void close() {
            closeScan();
        }
    }
}
