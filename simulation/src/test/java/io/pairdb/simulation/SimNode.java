package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.StorageNodes.Applied;
import io.pairdb.core.port.StorageRanges.Digest;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.version.ConditionalApply;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One simulated storage node: its data in scan order (unsigned token, tenant, key) and the storage
 * contract's semantics — conditional apply by the core's own rule ({@link ConditionalApply}), range
 * scans resumable after a position, digests, range deletes, and tombstones purged once they are
 * older than the gc grace. A node process can crash (its data kept or lost), pause and restart;
 * calls reach it only through the {@link Network}, from {@link SimStorage}.
 */
final class SimNode {
    enum State { UP, CRASHED, PAUSED }

    final NodeId id;
    final String endpoint;
    final String host;
    final int port;
    private final TreeMap<KeyPosition, Entry> data = new TreeMap<>(InMemoryStorageRanges.SCAN_ORDER);
    private final List<Runnable> held = new ArrayList<>();
    private Kernel.Owner process;
    private State state = State.UP;
    private int incarnation = 1;
    /** How many times its disk was lost: its data id ({@link #dataId}) changes with each. */
    private int disksLost;
    /** Removed by force while it was down: it never comes back. */
    private boolean gone;
    /** Its disk fails reads (point reads, scans, digests) while writes still succeed. */
    private boolean failingReads;
    /** Most extra delay, in microseconds, each message to or from it takes (an overloaded node); 0 when healthy. */
    private long slowness;

    SimNode(int number) {
        this.id = new NodeId("n" + number);
        this.endpoint = "n" + number;
        this.host = "10.0.1." + number;
        this.port = 7000;
        this.process = new Kernel.Owner(endpoint + "#1");
    }

    State state() {
        return state;
    }

    Kernel.Owner process() {
        return process;
    }

    boolean gone() {
        return gone;
    }

    void markGone() {
        gone = true;
    }

    /** Its forced removal failed (rolled back): it is back in the ring, and gets restarted like any crashed node. */
    void markBack() {
        gone = false;
    }

    /** Crashes the process; its pending work is lost. With {@code loseData} its disk is gone too. */
    void crash(Kernel kernel, boolean loseData) {
        kernel.kill(process);
        held.clear();
        state = State.CRASHED;
        if (loseData) {
            data.clear();
            disksLost++;
        }
    }

    /** Names the copy of data it holds, as its health answer does: another once its disk was lost. */
    String dataId() {
        return id.value() + "/disk-" + disksLost;
    }

    void restart() {
        incarnation++;
        process = new Kernel.Owner(endpoint + "#" + incarnation);
        state = State.UP;
    }

    void pause() {
        state = State.PAUSED;
    }

    /** Resumes a paused process: what it received meanwhile is handled now, in order. */
    List<Runnable> resume() {
        state = State.UP;
        List<Runnable> work = List.copyOf(held);
        held.clear();
        return work;
    }

    void hold(Runnable work) {
        held.add(work);
    }

    boolean failingReads() {
        return failingReads;
    }

    void failReads(boolean fail) {
        failingReads = fail;
    }

    long slowness() {
        return slowness;
    }

    void slowness(long micros) {
        slowness = micros;
    }

    /** Answers an error instead of data, as a node whose disk fails reads does. */
    private void readable() {
        if (failingReads) {
            throw new PairDbException("node " + id, "node " + id + " failed to read from its disk");
        }
    }

    // ---- the storage contract, as the node executes it --------------------------------------------

    /** Told when a version is ignored as dominated by one it would have beaten had their clocks been concurrent. */
    interface Observer {
        void dominatedButNewer(SimNode node, Entry incoming, Version stored);
    }

    private Observer observer = (node, incoming, stored) -> { };

    void observe(Observer observer) {
        this.observer = observer;
    }

    Applied apply(Entry incoming) {
        Optional<Entry> stored = Optional.ofNullable(data.get(incoming.position()));
        ConditionalApply.Result result = ConditionalApply.apply(stored.map(Entry::version), incoming.version());
        if (result.outcome() == ConditionalApply.Outcome.IGNORED && stored.isPresent()
                && !stored.get().version().equals(incoming.version())
                && Resolution.WINNER_ORDER.compare(incoming.version(), stored.get().version()) > 0) {
            // a clock that dominates without the data having seen the write: what S3 describes
            observer.dominatedButNewer(this, incoming, stored.get().version());
        }
        if (result.outcome() != ConditionalApply.Outcome.IGNORED) {
            data.put(incoming.position(), new Entry(incoming.tenant(), incoming.key(), incoming.token(), result.current()));
        }
        return switch (result.outcome()) {
            case APPLIED -> Applied.APPLIED;
            case IGNORED -> Applied.IGNORED;
            case MERGED -> Applied.MERGED;
        };
    }

    Optional<Version> read(TenantId tenant, String key) {
        readable();
        return peek(tenant, key);
    }

    /** What the node holds, for the checker (not a storage call). */
    Optional<Version> peek(TenantId tenant, String key) {
        return Optional.ofNullable(data.get(new KeyPosition(Token.forKey(tenant.value(), key), tenant, key)))
                .map(Entry::version);
    }

    /** Up to {@code limit} entries of the range in scan order, strictly after {@code after} when given. */
    List<Entry> scan(TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after, int limit) {
        readable();
        return entries(range, tenant, after, limit);
    }

    private List<Entry> entries(TokenRange range, Optional<TenantId> tenant, Optional<KeyPosition> after, int limit) {
        List<Entry> batch = new ArrayList<>();
        for (NavigableMap<KeyPosition, Entry> part : parts(range, after)) {
            for (Entry e : part.values()) {
                if (tenant.isEmpty() || e.tenant().equals(tenant.get())) {
                    batch.add(e);
                    if (batch.size() == limit) {
                        return batch;
                    }
                }
            }
        }
        return batch;
    }

    Digest digest(TokenRange range, TenantId tenant) {
        readable();
        return InMemoryStorageRanges.digestOf(entries(range, Optional.of(tenant), Optional.empty(), Integer.MAX_VALUE));
    }

    long deleteRange(TokenRange range, TenantId tenant) {
        List<Entry> doomed = entries(range, Optional.of(tenant), Optional.empty(), Integer.MAX_VALUE);
        doomed.forEach(e -> data.remove(e.position()));
        return doomed.size();
    }

    /** Drops tombstones written before {@code cutoffMillis}; returns those that went. */
    List<Entry> purgeTombstones(long cutoffMillis) {
        List<Entry> purged = data.values().stream()
                .filter(e -> e.version().tombstone() && e.version().timestampMs() < cutoffMillis).toList();
        purged.forEach(e -> data.remove(e.position()));
        return purged;
    }

    long keyCount() {
        return data.size();
    }

    List<Entry> everything() {
        return List.copyOf(data.values());
    }

    /** The parts of the data in the range, in scan order, strictly after {@code after}. */
    private List<NavigableMap<KeyPosition, Entry>> parts(TokenRange range, Optional<KeyPosition> after) {
        List<NavigableMap<KeyPosition, Entry>> parts = new ArrayList<>();
        long start = range.start().value();
        long end = range.end().value();
        if (!range.wraps()) {
            parts.add(upTo(above(data, start), end));
        } else {
            parts.add(above(data, start));
            parts.add(upTo(data, end));
        }
        if (after.isEmpty()) {
            return parts;
        }
        KeyPosition from = after.get();
        int partOfFrom = range.wraps() && Long.compareUnsigned(from.token().value(), start) <= 0 ? 1 : 0;
        List<NavigableMap<KeyPosition, Entry>> resumed = new ArrayList<>();
        resumed.add(parts.get(partOfFrom).tailMap(from, false));
        resumed.addAll(parts.subList(partOfFrom + 1, parts.size()));
        return resumed;
    }

    private static NavigableMap<KeyPosition, Entry> above(NavigableMap<KeyPosition, Entry> map, long token) {
        if (token == -1L) {
            return new TreeMap<>(InMemoryStorageRanges.SCAN_ORDER);
        }
        return map.tailMap(lowest(token + 1), true);
    }

    private static NavigableMap<KeyPosition, Entry> upTo(NavigableMap<KeyPosition, Entry> map, long token) {
        if (token == -1L) {
            return map;
        }
        return map.headMap(lowest(token + 1), false);
    }

    /** A position before every real entry at the token ("-" is the least tenant id, keys are never empty). */
    private static KeyPosition lowest(long token) {
        return new KeyPosition(new Token(token), new TenantId("-"), "");
    }
}
