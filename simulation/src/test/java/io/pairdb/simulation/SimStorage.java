package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.SubRanges;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The storage contract's client side for one coordinator process ({@link StorageNodes},
 * {@link StorageRanges}, {@link StorageHealth}): every call is a message over the {@link Network} to a
 * {@link SimNode}, answered by another message, or failed at its timeout. A call to a crashed node's
 * host is refused; a paused node answers once it resumes. Nothing is ever answered to a process
 * that died meanwhile.
 */
final class SimStorage implements StorageNodes, StorageRanges, StorageHealth {
    private final World world;
    private final Kernel.Owner caller;
    private final String from;

    /** The coordinator id the calling process issues clocks under (or did last); none for other callers. */
    private final Supplier<String> heldId;

    /** The versions replicas answered this process's reads with lately, per key (S3's gate). */
    private final Map<History.Key, List<Answered>> recentAnswers = new HashMap<>();

    SimStorage(World world, Kernel.Owner caller, String from, Supplier<String> heldId) {
        this.world = world;
        this.caller = caller;
        this.from = from;
        this.heldId = heldId;
    }

    @Override
    public CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                            Duration timeout) {
        world.history().issued(tenant, key, version, world.kernel().now(), caller.name, heldId.get());
        Entry entry = new Entry(tenant, key, token, version);
        return call(node.id(), "write " + tenant + "/" + key, timeout, n -> n.apply(entry));
    }

    @Override
    public CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout) {
        return world.callNode(caller, from, node.id(), "read " + tenant + "/" + key, timeout, world.config().loseReads,
                n -> n.read(tenant, key)).thenApply(answer -> {
                    answer.ifPresent(v -> noticeDominatedButNewer(node.id(), new History.Key(tenant, key), v));
                    return answer;
                });
    }

    /**
     * S3 as a read's resolution meets it: of two answers this process got for the key within a read
     * timeout, one dominates the other by clock, yet the other would win were they concurrent (the
     * dominating clock is a merge that need not have seen it). {@link SimNode#apply} tells the same
     * of a node that ignores a version.
     */
    private void noticeDominatedButNewer(NodeId node, History.Key key, Version answer) {
        long now = world.kernel().now();
        long window = Kernel.toMicros(world.config().readTimeout);
        List<Answered> answers = recentAnswers.computeIfAbsent(key, k -> new ArrayList<>());
        answers.removeIf(a -> a.at() < now - window);
        for (Answered other : answers) {
            if (other.node().equals(node)) {
                continue;
            }
            Causality order = answer.clock().compare(other.version().clock());
            Version dominating = order == Causality.AFTER ? answer : other.version();
            Version dominated = order == Causality.AFTER ? other.version() : answer;
            if ((order == Causality.AFTER || order == Causality.BEFORE)
                    && Resolution.WINNER_ORDER.compare(dominated, dominating) > 0) {
                world.dominatedButNewer(from, key, "read of " + key + " answered " + dominated + " and " + dominating
                        + ", which dominates it by clock but not in the resolution order");
                break;
            }
        }
        answers.add(new Answered(node, now, answer));
    }

    private record Answered(NodeId node, long at, Version version) {
    }

    @Override
    public CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token, Version version,
                                             Duration timeout) {
        Entry entry = new Entry(tenant, key, token, version);
        return call(node.id(), "repair " + tenant + "/" + key, timeout, n -> n.apply(entry));
    }

    @Override
    public CompletableFuture<Void> probe(StorageNode node, Duration timeout) {
        return call(node.id(), "health", timeout, n -> null);
    }

    @Override
    public CompletableFuture<Long> keyCount(StorageNode node, Duration timeout) {
        return call(node.id(), "health", timeout, SimNode::keyCount);
    }

    /** The node's key count and the tombstone gc grace every simulated node keeps. */
    @Override
    public CompletableFuture<Report> report(StorageNode node, Duration timeout) {
        Duration grace = world.config().tombstoneGcGrace;
        return call(node.id(), "health", timeout, n -> new Report(n.keyCount(), Optional.of(grace)));
    }

    @Override
    public CompletableFuture<Optional<String>> dataId(StorageNode node, Duration timeout) {
        return call(node.id(), "health", timeout, n -> Optional.of(n.dataId()));
    }

    @Override
    public Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after,
                     int batchSize) {
        return new PagedScan(node.id(), range, tenant, after, batchSize);
    }

    /** What anti-entropy repair compares a range by: a scan with values emptied. */
    @Override
    public Scan scanClocks(StorageNode node, TokenRange range, TenantId tenant, int batchSize) {
        Scan scan = scan(node, range, Optional.of(tenant), Optional.empty(), batchSize);
        return new Scan() {
            @Override
            public Optional<List<Entry>> next(Duration timeout) {
                return scan.next(timeout).map(batch -> batch.stream()
                        .map(e -> e.version().tombstone() ? e : new Entry(e.tenant(), e.key(), e.token(),
                                Version.of(new byte[0], e.version().clock(), e.version().timestampMs())))
                        .toList());
            }

            @Override
            public void close() {
                scan.close();
            }
        };
    }

    @Override
    public CompletableFuture<BatchApplied> writeBatch(StorageNode node, List<Entry> entries, Duration timeout) {
        List<Entry> batch = List.copyOf(entries);
        return call(node.id(), "write batch of " + batch.size(), timeout, n -> {
            int applied = 0;
            int ignored = 0;
            int merged = 0;
            for (Entry e : batch) {
                switch (n.apply(e)) {
                    case APPLIED -> applied++;
                    case IGNORED -> ignored++;
                    case MERGED -> merged++;
                }
            }
            return new BatchApplied(applied, ignored, merged);
        });
    }

    @Override
    public CompletableFuture<Digest> digest(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        return call(node.id(), "digest " + range + " of " + tenant, timeout, n -> n.digest(range, tenant));
    }

    @Override
    public CompletableFuture<List<Digest>> digests(StorageNode node, TokenRange range, TenantId tenant,
                                                   List<Token> splitAfter, Duration timeout) {
        return call(node.id(), "digests " + range + " of " + tenant + " at " + splitAfter.size() + " splits", timeout,
                n -> SubRanges.cut(range, splitAfter).stream().map(part -> n.digest(part, tenant)).toList());
    }

    @Override
    public CompletableFuture<Long> deleteRange(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        return call(node.id(), "delete range " + range + " of " + tenant, timeout, n -> {
            long deleted = n.deleteRange(range, tenant);
            world.trace().line(n.endpoint, "deleted " + deleted + " entries of " + tenant + " in " + range);
            return deleted;
        });
    }

    private <T> SimFuture<T> call(NodeId to, String what, Duration timeout, Function<SimNode, T> handler) {
        return world.callNode(caller, from, to, what, timeout, handler);
    }

    /**
     * A scan read one page per call: each {@link #next} asks the node for the entries after the last
     * one returned. The storage contract's stream with flow control yields the same entries.
     */
    private final class PagedScan implements Scan {
        private final NodeId node;
        private final TokenRange range;
        private final Optional<TenantId> tenant;
        private final int batchSize;
        private Optional<KeyPosition> after;
        private boolean over;

        PagedScan(NodeId node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after, int batchSize) {
            this.node = node;
            this.range = range;
            this.tenant = tenant;
            this.after = after;
            this.batchSize = batchSize;
        }

        @Override
        public Optional<List<Entry>> next(Duration timeout) {
            if (over) {
                return Optional.empty();
            }
            Optional<KeyPosition> from = after;
            SimFuture<List<Entry>> page = call(node, "scan " + range + tenant.map(t -> " of " + t).orElse(""), timeout,
                    n -> n.scan(range, tenant, from, batchSize));
            List<Entry> batch;
            try {
                batch = page.get();
            } catch (ExecutionException e) {
                over = true;
                throw e.getCause() instanceof PairDbException p ? p
                        : new PairDbException("node " + node, "scan failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PairDbException("node " + node, "interrupted", e);
            }
            if (batch.isEmpty()) {
                over = true;
                return Optional.empty();
            }
            after = Optional.of(batch.getLast().position());
            return Optional.of(batch);
        }

        @Override
        public void close() {
            over = true;
        }
    }
}
