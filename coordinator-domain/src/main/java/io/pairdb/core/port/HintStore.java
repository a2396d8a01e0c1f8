package io.pairdb.core.port;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Durable hints for replica writes that did not reach their node, shared by every
 * coordinator (PostgreSQL). Thread-safe. Every method throws {@link io.pairdb.core.PairDbException}
 * when the store cannot be reached; a call that threw may or may not have taken effect.
 *
 * <p>Several coordinators replay at once: {@link #claim} hands each hint to one replayer at a
 * time, for a lease measured by the store's own clock (so clock skew between coordinators does
 * not shorten it). A replayer ends every claim it holds by {@link #delete} (delivered or
 * dropped) or {@link #recordFailure}; a replayer that dies leaves its claims to expire.
 */
public interface HintStore {
    /** Stores a hint. Not idempotent: storing the same hint twice keeps two rows. */
    void store(Hint hint);

    /** Up to {@code limit} hints for the node, oldest first, claimed or not. Does not claim them. */
    List<Hint> pending(NodeId target, int limit);

    /** Removes a delivered or dropped hint. Idempotent. */
    void delete(long hintId);

    /** Removes delivered or dropped hints; ids no longer stored are skipped. Idempotent. */
    void delete(Collection<Long> hintIds);

    /** How many hints wait for the node, claimed or not. */
    long count(NodeId target);

    /**
     * Claims up to {@code limit} of the node's hints that nobody holds (never claimed, or whose
     * claim has expired), oldest first, for {@code owner} until {@code lease} from now. Two
     * concurrent callers never get the same hint while its claim lasts. Not idempotent: a retry
     * after a failure may claim a further batch (the first expires with its lease).
     */
    List<Hint> claim(NodeId target, int limit, String owner, Duration lease);

    /**
     * Counts one failed delivery of each hint that {@code owner} still holds: its attempts go up
     * by one and its claim is released, so it can be claimed again. Returns those hints as they
     * are now, oldest first; hints no longer stored or held by someone else are left alone and
     * left out. Not idempotent.
     */
    List<Hint> recordFailure(Collection<Long> hintIds, String owner);

    /**
     * Releases {@code owner}'s claims of these hints without counting an attempt (their node refused
     * them for lack of room, which no retry soon mends): they can be claimed again at once. Hints no
     * longer stored or held by someone else are left alone. Idempotent.
     */
    void release(Collection<Long> hintIds, String owner);

    /**
     * Removes up to {@code limit} hints created before {@code cutoff}, claimed or not, and says
     * how many per target node (fewer than {@code limit} in all: none are left). Bounded so that
     * one call stays short however many hints expired. Idempotent in effect: a second call finds
     * nothing more to remove.
     */
    Map<NodeId, Long> expire(Instant cutoff, int limit);

    /** Per node that has any: how many hints wait and when the oldest was created. Sorted by node. */
    List<PendingHints> stats();
}
