package io.pairdb.simulation;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.ring.ReplicaSets;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Judges a run once its faults healed and its hints, changes and cleanups finished, from the
 * history, the versions coordinators issued, the final read of every key at {@code all} and what
 * the nodes hold:
 *
 * <ul>
 *   <li><b>lost</b>: every acknowledged write is there — the final version's clock covers its
 *       clock (it is that write, a later one, or the resolution of it with a concurrent one: the
 *       documented rule merges the clocks), unless a node's data loss destroyed its last copy;</li>
 *   <li><b>stale read</b>: a read after an acknowledged write whose quorums intersect (R + W > RF)
 *       returns that write or a successor; after a delete, nothing or a successor
 *       (<b>resurrected</b> otherwise); here and for <b>lost</b>, a version issued once a tombstone
 *       of the write was old enough to be purged counts as a successor: it starts the key afresh (a
 *       merge, by the version whose data won it); a delete undone after a node purged its tombstone
 *       with no repair of its range finished in between, while the repair schedule ran, is the
 *       operator's rule (repair within the gc grace), counted and not a violation;</li>
 *   <li><b>not causal</b>: a write issued after an acknowledged quorum write, without a causal
 *       context, dominates it (it read a quorum first, README "Versions and conflicts"; a retry that
 *       wrote an earlier attempt's version again counts from its request's first attempt) but for the
 *       oldest entries a full clock pruned, unless by the
 *       time the later write completed a tombstone that covers the earlier one, or wins over it or a
 *       successor of it by the resolution rule, was old enough for the nodes to have purged it;</li>
 *   <li><b>phantom</b>: no read returns a value no client wrote, or one whose every attempt failed
 *       before it was sent;</li>
 *   <li><b>diverged</b>: once every key was read at {@code all}, its replicas hold the same version;</li>
 *   <li><b>applied twice</b>: an idempotency key is applied at most once (and answered as a
 *       duplicate only with the response of its own request);</li>
 *   <li><b>id not held</b>: a version is issued under a coordinator id only by the process the
 *       pool granted it to last;</li>
 *   <li><b>unexpected</b>: no exception other than an infrastructure failure escaped anywhere.</li>
 * </ul>
 */
final class Checker {
    record Violation(String kind, String message) {
        @Override
        public String toString() {
            return kind + ": " + message;
        }
    }

    private final World world;
    private final DataLoss dataLoss;
    private final KnownDefects open;
    private final List<Violation> violations = new ArrayList<>();
    private final Map<History.Key, List<History.Op>> byKey = new LinkedHashMap<>();
    private final Map<Integer, List<History.Op>> byLogical = new LinkedHashMap<>();
    /** The deletes excused as undone after a repair overdue, each counted once. */
    private final Set<History.Op> repairOverdue = new HashSet<>();

    Checker(World world, DataLoss dataLoss, KnownDefects open) {
        this.world = world;
        this.dataLoss = dataLoss;
        this.open = open;
    }

    void violation(String kind, String message) {
        violations.add(new Violation(kind, message));
    }

    List<Violation> violations() {
        return List.copyOf(violations);
    }

    List<Violation> check(Map<History.Key, History.Op> finalReads) {
        for (History.Op op : world.history().ops()) {
            byKey.computeIfAbsent(op.key, k -> new ArrayList<>()).add(op);
            byLogical.computeIfAbsent(op.logical, k -> new ArrayList<>()).add(op);
        }
        world.kernel().unexpected().forEach(u -> violation("unexpected", u));
        TopologyView ring = TopologyView.of(world.stores().topology.load());
        for (History.Key key : world.history().keys()) {
            Optional<Version> resolved = resolvedOnReplicas(ring, key);
            checkDurability(key, resolved);
            if (rf(key) > ring.currentNodeCount()) {
                checkRefusedFinalRead(key, finalReads.get(key));
            } else {
                checkFinalRead(key, resolved, finalReads.get(key));
                checkConvergence(ring, key);
            }
            resolved.filter(v -> !v.tombstone()).ifPresent(v -> checkWritten(key, v, "the final version", Long.MAX_VALUE));
        }
        for (List<History.Op> ops : byKey.values()) {
            checkReads(ops);
            checkCausalOrder(ops);
        }
        byLogical.values().forEach(this::checkIdempotency);
        checkIdsHeld();
        checkResolutionAgreesWithClocks();
        return violations();
    }

    // ---- the resolution order agrees with the clocks ----------------------------------------------------

    /**
     * What a clock covers also loses by the resolution order (README "Versions and conflicts"). A
     * version covered by a clock that it beats in that order is kept or dropped by the order a replica
     * meets the versions in (S3), which may hide an acknowledged write from some reads and not others.
     */
    private void checkResolutionAgreesWithClocks() {
        if (open.isOpen(KnownDefects.Item.MERGED_CLOCK_DOMINATES_UNSEEN)) {
            return;
        }
        for (History.CoveredYetNewer c : world.history().coveredYetNewer()) {
            violation("covered yet newer", Trace.time(c.at()).strip() + " " + c.what());
        }
    }

    // ---- one holder per coordinator id ------------------------------------------------------------------

    /**
     * A coordinator id is issued under only by the process the pool granted it to last: once its
     * lease ran out and another process claimed the id, two processes issuing under it could give
     * two writes of a key the same clock, or one a clock that dominates a version it never saw
     * (README "Versions and conflicts"). A version is charged to the process that sent it first.
     */
    private void checkIdsHeld() {
        if (open.isOpen(KnownDefects.Item.ID_NOT_HELD_ISSUES)) {
            return;
        }
        Map<String, List<History.IdClaim>> claims = new LinkedHashMap<>();
        world.history().idClaims().forEach(c -> claims.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c));
        for (History.IdUse use : world.history().idUses()) {
            Optional<History.IdClaim> holder = claims.getOrDefault(use.id(), List.of()).stream()
                    .filter(c -> c.at() <= use.at())
                    .reduce((a, b) -> b);
            if (holder.isPresent() && !holder.get().instance().equals(use.instance())) {
                violation("id not held", use.instance() + " issued " + use.version() + " of " + use.key() + " under "
                        + use.id() + " at " + Trace.time(use.at()).trim() + ", after " + holder.get().instance()
                        + " was granted that id at " + Trace.time(holder.get().at()).trim());
            }
        }
    }

    // ---- acknowledged writes survive --------------------------------------------------------------------

    private void checkDurability(History.Key key, Optional<Version> resolved) {
        for (History.Op w : byKey.getOrDefault(key, List.of())) {
            if (!w.acknowledged()) {
                continue;
            }
            if (wrongDuplicate(w)) {
                violation("wrong duplicate", w + " was answered with the response of a request on key '" + w.answeredKey
                        + "': it was acknowledged and never applied");
                continue;
            }
            if (resolved.isPresent() && resolved.get().clock().equals(w.clock) && !sameData(resolved.get(), w)) {
                // only two coordinators issuing the same clock make this: one of the writes lost a tie it should not face
                violation("lost", w + ": acknowledged with clock " + w.clock + ", but the replicas of " + key + " hold "
                        + resolved.get() + ", other data under the very same clock");
                continue;
            }
            if (resolved.isPresent() && resolved.get().clock().covers(w.clock)) {
                continue;
            }
            if (resolved.isEmpty() && deletedAndPurged(w)) {
                continue;
            }
            if (resolved.isPresent() && issuedAfterPurgeOf(w, resolved.get())) {
                continue;
            }
            if (dataLoss.exempt(key, w.clock) || repairOverdue(w, world.kernel().now())) {
                continue;
            }
            violation(w.kind == History.Kind.DELETE ? "resurrected" : "lost", w + ": acknowledged with clock " + w.clock
                    + ", but the replicas of " + key + " hold " + resolved.map(Version::toString).orElse("nothing")
                    + ", which does not descend from it");
        }
    }

    private static boolean sameData(Version v, History.Op w) {
        return w.kind == History.Kind.DELETE ? v.tombstone() : !v.tombstone() && Arrays.equals(v.value(), w.value);
    }

    /**
     * Whether nothing is what the write legitimately became: it (or a successor) was deleted, by a
     * tombstone old enough for the nodes to have purged it since.
     */
    private boolean deletedAndPurged(History.Op w) {
        return superseded(w, Long.MAX_VALUE, purgeableBy(world.kernel().now()));
    }

    /**
     * Whether, by {@code by}, a node purged a tombstone of the delete's key that covers the delete,
     * while the repair schedule ran and no repair of the key's range finished between the delete's
     * first attempt and that purge: a replica that missed the delete may then bring the key back. The
     * README's rule, as Cassandra's: a range must be repaired within the gc grace. The schedule's
     * period is a quarter of the grace here, so such a range went about four periods unrepaired, and
     * {@code PairDBRepairOverdue} (at 1.2 periods) told the operator (a run's faults can keep every
     * repair from finishing that long). Counted and traced, not a violation. A repair counts when its
     * comparison began after the delete's first attempt and it made the range equal on all its
     * replicas and asked for its record before the purge, whether or not PostgreSQL took the record.
     * Without the schedule nothing excuses it: that is the defect a repair schedule exists to prevent
     * (S4 in the README).
     */
    private boolean repairOverdue(History.Op w, long by) {
        if (w.kind != History.Kind.DELETE || !world.config().antiEntropy) {
            return false;
        }
        OptionalLong purged = world.history().firstPurgeCovering(w.key, w.clock, by);
        long from = firstAttempt(w);
        if (purged.isEmpty() || world.history().repairedBetween(w.key, from, purged.getAsLong())) {
            return false;
        }
        if (repairOverdue.add(w)) {
            world.stats().resurrectionsAfterRepairOverdue++;
            world.trace().line("check", w + ": a node purged its tombstone at " + Trace.time(purged.getAsLong()).trim()
                    + " and no repair of its range began after its first attempt and finished by then: a replica that"
                    + " missed it may bring the key back (repair overdue, the operator's rule)");
        }
        return true;
    }

    /**
     * The tombstones a node may have purged by {@code at} (simulated microseconds): those older than the
     * gc grace then, as the nodes' compaction judges them.
     */
    private java.util.function.Predicate<Version> purgeableBy(long at) {
        long cutoff = Simulation.EPOCH_MILLIS + Math.floorDiv(at, 1000) - world.config().tombstoneGcGrace.toMillis();
        return t -> t.timestampMs() < cutoff;
    }

    /**
     * Whether a tombstone issued by {@code by} (and accepted by {@code tombstones}) covers the write,
     * or wins over it or a successor of it by the documented resolution rule.
     */
    private boolean superseded(History.Op w, long by, java.util.function.Predicate<Version> tombstones) {
        if (w.kind == History.Kind.DELETE) {
            return tombstones.test(Version.tombstone(w.clock, w.timestampMs));
        }
        List<Version> issued = world.history().issued(w.key).stream().filter(i -> i.at() <= by)
                .map(History.Issued::version).toList();
        List<Version> deletes = issued.stream().filter(Version::tombstone).filter(tombstones).toList();
        if (deletes.stream().anyMatch(t -> t.clock().covers(w.clock))) {
            return true;
        }
        List<Version> successors = new ArrayList<>(issued.stream().filter(v -> v.clock().covers(w.clock)).toList());
        successors.add(Version.of(w.value, w.clock, w.timestampMs));
        for (Version t : deletes) {
            for (Version v : successors) {
                if (Resolution.resolve(v, t).tombstone()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Answered with another request's response: reported once, and judged nowhere else. */
    private static boolean wrongDuplicate(History.Op w) {
        return w.answeredKey != null && !w.answeredKey.equals(w.key.key());
    }

    private static boolean acknowledged(History.Op w) {
        return w.acknowledged() && !wrongDuplicate(w);
    }

    /**
     * A tenant whose RF exceeds the nodes left is unavailable by design (README "Topology changes"):
     * its final read must be refused as such, not answered from fewer replicas than the level names.
     * Its replicas are not compared either: no read can repair them.
     */
    private void checkRefusedFinalRead(History.Key key, History.Op read) {
        if (read == null || read.outcome != History.Outcome.FAILED || !read.detail.startsWith("Unavailable")) {
            violation("unavailable", "the final read of " + key + " at all, whose RF " + rf(key)
                    + " exceeds the nodes left, was not refused as unavailable: "
                    + (read == null ? "no answer" : read.outcome + " " + read.detail));
        }
    }

    private void checkFinalRead(History.Key key, Optional<Version> resolved, History.Op read) {
        if (read == null || read.outcome != History.Outcome.OK) {
            violation("unavailable", "the final read of " + key + " at all did not succeed"
                    + (read == null ? "" : ": " + read.detail));
            return;
        }
        Optional<Version> live = resolved.filter(v -> !v.tombstone());
        boolean agrees = live.isEmpty() ? read.read.isEmpty()
                : read.read.isPresent() && Arrays.equals(read.read.get().value(), live.get().value());
        if (!agrees) {
            violation("diverged", "the final read of " + key + " at all answered "
                    + read.read.map(Version::toString).orElse("not found") + " while its replicas resolve to "
                    + resolved.map(Version::toString).orElse("nothing"));
        }
    }

    // ---- reads ------------------------------------------------------------------------------------------

    /**
     * Reads, in the order they began, against the acknowledged writes completed before each began. Only
     * the writes no other such write covers need checking: a read that returns a successor of one
     * returns a successor of everything it covers.
     */
    private void checkReads(List<History.Op> ops) {
        List<History.Op> writes = acknowledgedByCompletion(ops);
        List<History.Op> reads = ops.stream().filter(r -> r.kind == History.Kind.GET && r.outcome == History.Outcome.OK)
                .sorted(Comparator.comparingLong(r -> r.invokedAt)).toList();
        Map<ConsistencyLevel, Latest> latest = new EnumMap<>(ConsistencyLevel.class);
        // which writes a read at each level must see: at all every write, at quorum quorum and all writes, at one all writes
        latest.put(ConsistencyLevel.ALL, new Latest(EnumSet.allOf(ConsistencyLevel.class)));
        latest.put(ConsistencyLevel.QUORUM, new Latest(EnumSet.of(ConsistencyLevel.QUORUM, ConsistencyLevel.ALL)));
        latest.put(ConsistencyLevel.ONE, new Latest(EnumSet.of(ConsistencyLevel.ALL)));
        int next = 0;
        for (History.Op r : reads) {
            r.read.ifPresent(v -> checkWritten(r.key, v, r.toString(), r.completedAt));
            for (; next < writes.size() && writes.get(next).completedAt < r.invokedAt; next++) {
                History.Op w = writes.get(next);
                latest.values().forEach(l -> l.add(w));
            }
            if (lagging(r)) {
                continue;
            }
            for (History.Op w : latest.get(r.consistency).writes) {
                if (!intersect(w, r) || dataLoss.anyBetween(firstAttempt(w), r.completedAt)
                        || open.isOpen(KnownDefects.Item.MERGED_CLOCK_DOMINATES_UNSEEN)
                        && (world.history().dominatedButNewerBetween(r.key, w.invokedAt, r.completedAt)
                        || dominatesUnseen(w))) {
                    continue;
                }
                if (!explains(r, w) && !r.read.filter(v -> issuedAfterPurgeOf(w, v)).isPresent()
                        && !repairOverdue(w, r.completedAt)) {
                    String kind = w.kind == History.Kind.DELETE ? "resurrected" : "stale read";
                    violation(kind, r + " after " + w + ": a read whose replicas intersect the write's must return it or a successor");
                }
            }
        }
    }

    private static List<History.Op> acknowledgedByCompletion(List<History.Op> ops) {
        return ops.stream().filter(Checker::acknowledged).filter(w -> w.clock != null)
                .sorted(Comparator.comparingLong(w -> w.completedAt)).toList();
    }

    /** The acknowledged writes of some levels that no other one covers (an antichain of clocks). */
    private static final class Latest {
        private final Set<ConsistencyLevel> levels;
        private final List<History.Op> writes = new ArrayList<>();

        Latest(Set<ConsistencyLevel> levels) {
            this.levels = levels;
        }

        void add(History.Op w) {
            if (!levels.contains(w.consistency) || writes.stream().anyMatch(o -> o.clock.covers(w.clock))) {
                return;
            }
            writes.removeIf(o -> w.clock.covers(o.clock));
            writes.add(w);
        }
    }

    /** Whether the quorums of an acknowledged write and a later read share a replica (R + W > RF). */
    private boolean intersect(History.Op w, History.Op r) {
        int rf = world.config().tenants.stream().filter(t -> t.id().equals(w.key.tenant().value())).findFirst()
                .map(SimConfig.TenantSpec::rf).orElseThrow();
        for (Tenant t : world.stores().tenants.list()) {
            if (t.id().equals(w.key.tenant())) {
                rf = Math.max(rf, t.replicationFactor());
            }
        }
        return w.consistency.required(rf) + r.consistency.required(rf) > rf
                && (w.consistency == ConsistencyLevel.ALL || r.consistency == ConsistencyLevel.ALL
                || w.consistency == ConsistencyLevel.QUORUM && r.consistency == ConsistencyLevel.QUORUM);
    }

    /**
     * Whether what the read returned is the write, a successor of it, or (a delete) nothing. Nothing is
     * also what a successor of the write resolves to against a concurrent tombstone that wins by the
     * documented rule.
     */
    private boolean explains(History.Op r, History.Op w) {
        if (r.read.isPresent()) {
            return r.read.get().clock().covers(w.clock);
        }
        return w.kind == History.Kind.DELETE || superseded(w, r.completedAt, t -> true);
    }

    /** The version is one a client wrote to the key, by an attempt that may have taken effect. */
    private void checkWritten(History.Key key, Version v, String where, long by) {
        List<History.Op> writers = byKey.getOrDefault(key, List.of()).stream()
                .filter(op -> op.kind == History.Kind.PUT && Arrays.equals(op.value, v.value()) && op.invokedAt <= by)
                .toList();
        if (writers.isEmpty()) {
            violation("phantom", where + " holds " + v + ", a value no client wrote to " + key);
            return;
        }
        boolean mayHaveTakenEffect = writers.stream().flatMap(op -> byLogical.get(op.logical).stream())
                .anyMatch(op -> op.outcome != History.Outcome.FAILED);
        if (!mayHaveTakenEffect) {
            violation("phantom", where + " holds " + v + ", written only by attempts that failed before reaching a replica: "
                    + writers);
        }
    }

    /**
     * When the write's first attempt began: a retry answered as a duplicate acknowledges what an
     * earlier attempt wrote, so a disk lost since then may have taken it.
     */
    private long firstAttempt(History.Op w) {
        return byLogical.getOrDefault(w.logical, List.of(w)).stream().mapToLong(o -> o.invokedAt).min()
                .orElse(w.invokedAt);
    }

    /**
     * S3 seen from the writer: a write with a causal context whose clock still dominates a version of
     * the key the context lacked (its coordinator's own later counter). Against that version alone it
     * wins; against that version merged with a concurrent one it may lose by timestamp, so whether it
     * is read back depends on the order the versions reach a replica.
     */
    private boolean dominatesUnseen(History.Op w) {
        return w.causalContext.isPresent() && world.history().issued(w.key).stream()
                .filter(i -> i.at() <= w.completedAt).map(History.Issued::version)
                .anyMatch(v -> !v.clock().equals(w.clock) && w.clock.covers(v.clock())
                        && !w.causalContext.get().covers(v.clock()));
    }

    /**
     * Whether the operation ran on an epoch before one a change completed with, by then, and that
     * change's last epoch is a known defect: a node change's while S1 is open, an RF change's while S5 is.
     */
    private boolean lagging(History.Op op) {
        return op.servedEpoch >= 0 && world.completions().stream()
                .filter(c -> c.rfStep() == 0 ? open.isOpen(KnownDefects.Item.COMPLETION_NOT_FENCED)
                        : open.isOpen(KnownDefects.Item.RF_COMPLETION_NOT_FENCED))
                .anyMatch(c -> c.at() <= op.completedAt && op.servedEpoch < c.epoch());
    }

    // ---- writes follow what they read ----------------------------------------------------------------------

    /**
     * From when the write must dominate what was acknowledged before it: its attempt's start; or, for
     * a retry that wrote again the version an earlier attempt of its request issued (an unsettled one,
     * README "Idempotency"), the request's first attempt's start. The request is one operation from
     * its first attempt to its answer: a write acknowledged in between is concurrent with it, and its
     * earlier attempts' versions, once they may have landed, are judged as any failed attempt's are.
     */
    private long builtAt(History.Op l) {
        if (l.attempt <= 1 || l.idempotencyKey.isEmpty()) {
            return l.invokedAt;
        }
        boolean issuedBefore = world.history().issued(l.key).stream()
                .anyMatch(i -> i.version().clock().equals(l.clock) && i.at() < l.invokedAt);
        return issuedBefore ? firstAttempt(l) : l.invokedAt;
    }

    private void checkCausalOrder(List<History.Op> ops) {
        List<History.Op> writes = acknowledgedByCompletion(ops);
        List<History.Op> later = ops.stream().filter(Checker::acknowledged)
                .filter(w -> !w.duplicate && w.causalContext.isEmpty() && w.clock != null)
                .sorted(Comparator.comparingLong(w -> w.invokedAt)).toList();
        Latest earlier = new Latest(EnumSet.of(ConsistencyLevel.QUORUM, ConsistencyLevel.ALL));
        int next = 0;
        for (History.Op l : later) {
            for (; next < writes.size() && writes.get(next).completedAt < l.invokedAt; next++) {
                earlier.add(writes.get(next));
            }
            if (l.consistency == ConsistencyLevel.ONE && open.isOpen(KnownDefects.Item.ONE_WRITES_READ_ONE_REPLICA)
                    || lagging(l)) {
                continue;
            }
            long built = builtAt(l);
            for (History.Op e : earlier.writes) {
                if (e == l || e.completedAt >= built || dataLoss.anyBetween(firstAttempt(e), l.completedAt)
                        || purgedBefore(e, l)) {
                    continue;
                }
                if (l.clock.compare(e.clock) != Causality.AFTER && !prunedPast(l.clock, e.clock)) {
                    violation("not causal", l + " does not dominate " + e
                            + ", acknowledged before it began: it was not built on a quorum read");
                }
            }
        }
    }

    /**
     * Whether {@code later} follows {@code earlier} but for entries pruning dropped (README "Versions and
     * conflicts"): a full clock drops its smallest counters, so an entry of {@code earlier} that
     * {@code later} lacks is excused when {@code later} is full and the entry's counter is no greater than
     * any it kept. Every other entry must be covered, and something in {@code later} must be newer.
     */
    private boolean prunedPast(VectorClock later, VectorClock earlier) {
        if (later.size() < world.config().maxClockEntries) {
            return false;
        }
        long smallestKept = later.entries().values().stream().mapToLong(Long::longValue).min().orElse(0);
        boolean newer = later.entries().entrySet().stream().anyMatch(k -> k.getValue() > earlier.get(k.getKey()));
        return newer && earlier.entries().entrySet().stream().allMatch(k -> later.get(k.getKey()) >= k.getValue()
                || !later.entries().containsKey(k.getKey()) && k.getValue() <= smallestKept);
    }

    /**
     * Whether {@code v} was issued when a tombstone of {@code w} — its own, or one that covers it or
     * wins over it or a successor by the resolution rule — was old enough for the nodes to have purged
     * it: the write that issued {@code v} may have found nothing, and started the key's history afresh
     * (a base read that found nothing, or a client's causal context from before the delete), so
     * {@code v} need not descend from {@code w} (README "Versions and conflicts"). A resolution's merge
     * carries its winner's data and timestamp: it is judged by the version that won.
     */
    private boolean issuedAfterPurgeOf(History.Op w, Version v) {
        return world.history().issued(w.key).stream().filter(i -> i.version().clock().equals(v.clock())
                        || i.version().tombstone() == v.tombstone() && i.version().timestampMs() == v.timestampMs()
                        && Arrays.equals(i.version().value(), v.value()))
                .anyMatch(i -> superseded(w, i.at(), purgeableBy(i.at())));
    }

    /**
     * Whether {@code e} was deleted, by its own or a winning tombstone that the nodes may have purged
     * before {@code l} ended: its base read may then find nothing, and it starts the key's history
     * afresh with a clock that need not dominate what was deleted (README "Versions and conflicts").
     */
    private boolean purgedBefore(History.Op e, History.Op l) {
        return superseded(e, l.completedAt, purgeableBy(l.completedAt));
    }

    // ---- idempotency --------------------------------------------------------------------------------------

    /**
     * An idempotency key is applied once. Applied again is what the README allows only when the first
     * application's record never reached Redis (Redis trouble, the coordinator died first, or it was
     * held up past its marker's life, so that a retry had claimed the key when its record came): its
     * marker then expires and a retry runs the write again. So an attempt that wrote after a record of
     * the key was stored, or one that answered anything but "written" yet issued a version, is a
     * violation.
     */
    private void checkIdempotency(List<History.Op> attempts) {
        History.Op first = attempts.getFirst();
        if (first.kind == History.Kind.GET || first.idempotencyKey.isEmpty()) {
            return;
        }
        String record = new IdempotencyKey(first.key.tenant(), first.key.key(), first.idempotencyKey.get()).storageKey();
        int written = 0;
        int unknown = 0;
        List<VectorClock> answered = new ArrayList<>();
        for (History.Op a : attempts) {
            String outcome = a.serverOutcome == null ? "" : a.serverOutcome;
            if (outcome.equals("Written")) {
                written++;
                if (written > 1 && world.history().recordedBefore(record, a.invokedAt)) {
                    violation("applied twice", a + " applied idempotency key '" + first.idempotencyKey.get() + "' of "
                            + first.key + " again, although the first application's answer was recorded: " + attempts);
                }
            } else if (!outcome.equals("Duplicate") && !outcome.equals("Failed")) {
                unknown++;
            }
            if (a.serverClock != null && !answered.contains(a.serverClock)) {
                answered.add(a.serverClock);
            }
        }
        long issued = world.history().issued(first.key).stream()
                .filter(i -> first.value == null ? i.version().tombstone() && answered.contains(i.version().clock())
                        : Arrays.equals(i.version().value(), first.value))
                .map(i -> i.version().clock()).distinct().count();
        if (first.value != null && issued > written + unknown) {
            violation("applied twice", "idempotency key '" + first.idempotencyKey.get() + "' of " + first.key + " was applied "
                    + issued + " times, by " + written + " attempts that answered written and " + unknown
                    + " whose outcome is unknown: " + attempts);
        }
    }

    // ---- replicas converge ----------------------------------------------------------------------------------

    private int rf(History.Key key) {
        return world.stores().tenants.find(key.tenant()).orElseThrow().replicationFactor();
    }

    /**
     * The key's replicas in the final ring: its first RF nodes, or every node when a forced removal
     * left fewer than the RF (the operator's check ran before another change removed a node too).
     */
    private List<StorageNode> naturalReplicas(TopologyView ring, History.Key key) {
        int replicas = Math.min(rf(key), ring.currentNodeCount());
        return ring.replicasFor(Token.forKey(key.tenant().value(), key.key()), replicas).map(ReplicaSets::natural)
                .orElse(List.of());
    }

    private Optional<Version> resolvedOnReplicas(TopologyView ring, History.Key key) {
        List<Version> held = new ArrayList<>();
        for (StorageNode n : naturalReplicas(ring, key)) {
            world.nodes().get(n.id()).peek(key.tenant(), key.key()).ifPresent(held::add);
        }
        return Resolution.resolve(held);
    }

    private void checkConvergence(TopologyView ring, History.Key key) {
        List<String> seen = new ArrayList<>();
        Optional<Version> first = null;
        boolean diverged = false;
        for (StorageNode n : naturalReplicas(ring, key)) {
            Optional<Version> v = world.nodes().get(n.id()).peek(key.tenant(), key.key()).filter(x -> !x.tombstone());
            seen.add(n.id() + "=" + v.map(Version::toString).orElse("nothing"));
            if (first == null) {
                first = v;
            } else if (!first.equals(v)) {
                diverged = true;
            }
        }
        if (diverged) {
            violation("diverged", "after every key was read at all, the replicas of " + key + " still differ: " + seen);
        }
    }
}
