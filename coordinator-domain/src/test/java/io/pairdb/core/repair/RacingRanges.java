package io.pairdb.core.repair;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Storage ranges that run something (a live write, a ring change, a purge) once, just before the
 * first batch write or the first full scan (one with values; clock scans pass untouched).
 */
final class RacingRanges implements StorageRanges {
    private final StorageRanges nodes;
    private Runnable beforeWrite;
    private Runnable beforeScan;

    private RacingRanges(StorageRanges nodes, Runnable beforeWrite, Runnable beforeScan) {
        this.nodes = nodes;
        this.beforeWrite = beforeWrite;
        this.beforeScan = beforeScan;
    }

    static RacingRanges beforeFirstWrite(StorageRanges nodes, Runnable race) {
        return new RacingRanges(nodes, race, null);
    }

    static RacingRanges beforeFirstScan(StorageRanges nodes, Runnable race) {
        return new RacingRanges(nodes, null, race);
    }

    @Override
    public Scan scan(StorageNode node, TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after,
                     int batchSize) {
        if (beforeScan != null) {
            beforeScan.run();
            beforeScan = null;
        }
        return nodes.scan(node, range, tenant, after, batchSize);
    }

    @Override
    public Scan scanClocks(StorageNode node, TokenRange range, TenantId tenant, int batchSize) {
        return nodes.scanClocks(node, range, tenant, batchSize);
    }

    @Override
    public CompletableFuture<BatchApplied> writeBatch(StorageNode node, List<Entry> entries, Duration timeout) {
        if (beforeWrite != null) {
            beforeWrite.run();
            beforeWrite = null;
        }
        return nodes.writeBatch(node, entries, timeout);
    }

    @Override
    public CompletableFuture<Optional<String>> dataId(StorageNode node, Duration timeout) {
        return nodes.dataId(node, timeout);
    }

    @Override
    public CompletableFuture<Digest> digest(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        return nodes.digest(node, range, tenant, timeout);
    }

    @Override
    public CompletableFuture<List<Digest>> digests(StorageNode node, TokenRange range, TenantId tenant,
                                                   List<Token> splitAfter, Duration timeout) {
        return nodes.digests(node, range, tenant, splitAfter, timeout);
    }

    @Override
    public CompletableFuture<Long> deleteRange(StorageNode node, TokenRange range, TenantId tenant, Duration timeout) {
        return nodes.deleteRange(node, range, tenant, timeout);
    }
}
