package io.pairdb.core.port;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.Version;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the storage contract. Thread-safe; calls never block the caller.
 * A future fails with {@link io.pairdb.core.PairDbException} when the node could not be
 * reached, answered an error or did not answer within {@code timeout}; a failed write may
 * still have been applied on the node (conditional apply makes a retry harmless).
 */
public interface StorageNodes {
    /** How a node applied a version (conditional apply, DESIGN.md §5). */
    enum Applied { APPLIED, IGNORED, MERGED }

    /** Applies a version conditionally. Idempotent. */
    CompletableFuture<Applied> write(StorageNode node, TenantId tenant, String key, Token token,
                                     Version version, Duration timeout);

    /** The node's version of the key (a tombstone included), or empty if it holds none. */
    CompletableFuture<Optional<Version>> read(StorageNode node, TenantId tenant, String key, Duration timeout);

    /** Read repair: conditional apply of a resolved version. Idempotent. */
    CompletableFuture<Applied> repair(StorageNode node, TenantId tenant, String key, Token token,
                                      Version version, Duration timeout);
}
