package io.pairdb.core.port;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import java.util.List;

/**
 * Durable hints for replica writes that did not reach their node, shared by every
 * coordinator (PostgreSQL). Thread-safe. Throws {@link io.pairdb.core.PairDbException} when
 * the store cannot be reached.
 */
public interface HintStore {
    /** Stores a hint. Not idempotent: storing the same hint twice keeps two rows. */
    void store(Hint hint);

    /** Up to {@code limit} hints for the node, oldest first. Does not claim them. */
    List<Hint> pending(NodeId target, int limit);

    /** Removes a delivered or dropped hint. Idempotent. */
    void delete(long hintId);

    /** How many hints wait for the node. */
    long count(NodeId target);
}
