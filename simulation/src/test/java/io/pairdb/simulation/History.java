package io.pairdb.simulation;

import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the clients did and saw: every operation attempt with its invocation, completion and
 * outcome (ok, failed, or indeterminate: it may or may not have taken effect). Beside it, the
 * simulation's own record of every version a coordinator issued (seen on its way to a node or a
 * hint), which the checker needs to tell an explained read from an impossible one.
 */
final class History {
    enum Kind { PUT, DELETE, GET }

    enum Outcome { OK, FAILED, INDETERMINATE }

    record Key(TenantId tenant, String key) {
        @Override
        public String toString() {
            return tenant + "/" + key;
        }
    }

    /** One attempt of a client's operation; retries of one logical operation share {@code logical}. */
    static final class Op {
        final int id;
        final int logical;
        final int attempt;
        final String client;
        final String coordinator;
        final Kind kind;
        final Key key;
        /** The value a put writes (unique per logical operation), else null. */
        final byte[] value;
        final ConsistencyLevel consistency;
        final Optional<String> idempotencyKey;
        final Optional<VectorClock> causalContext;
        final long invokedAt;
        long completedAt = -1;
        Outcome outcome;
        String detail = "";
        /** A write's acknowledged version (its clock, timestamp) and the key the answer named. */
        VectorClock clock;
        long timestampMs;
        boolean duplicate;
        String answeredKey;
        /** A read's answer: the version found, or empty when it found nothing live. */
        Optional<Version> read = Optional.empty();
        /**
         * How the coordinator ended the attempt, whether or not the client was still listening:
         * {@code Written}, {@code Duplicate}, {@code Failed} (before any replica write), {@code Partial}
         * (it may have reached replicas), or null when it never said (it crashed).
         */
        String serverOutcome;
        /** The clock the coordinator answered with (Written or Duplicate). */
        VectorClock serverClock;
        /** The ring epoch the coordinator served when it began the request; -1 when it never did. */
        long servedEpoch = -1;

        Op(int id, int logical, int attempt, String client, String coordinator, Kind kind, Key key, byte[] value,
           ConsistencyLevel consistency, Optional<String> idempotencyKey, Optional<VectorClock> causalContext,
           long invokedAt) {
            this.id = id;
            this.logical = logical;
            this.attempt = attempt;
            this.client = client;
            this.coordinator = coordinator;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.consistency = consistency;
            this.idempotencyKey = idempotencyKey;
            this.causalContext = causalContext;
            this.invokedAt = invokedAt;
        }

        boolean done() {
            return outcome != null;
        }

        boolean acknowledged() {
            return outcome == Outcome.OK && kind != Kind.GET;
        }

        String valueText() {
            return value == null ? "-" : new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case PUT -> "put " + key + "=" + valueText();
                case DELETE -> "delete " + key;
                case GET -> "get " + key;
            };
            return "#" + id + (attempt > 1 ? " (attempt " + attempt + " of #" + logical + ")" : "") + " " + client + "->"
                    + coordinator + " " + what + " at " + consistency.wireName()
                    + idempotencyKey.map(k -> " key '" + k + "'").orElse("")
                    + causalContext.map(c -> " context " + c).orElse("")
                    + " [" + Trace.time(invokedAt).trim() + " .. " + (completedAt < 0 ? "?" : Trace.time(completedAt).trim())
                    + "] " + (outcome == null ? "pending" : outcome) + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    /** A version some coordinator issued for a key, and when it was first seen. */
    record Issued(Version version, long at) {
    }

    private final List<Op> ops = new ArrayList<>();
    private final Map<Key, List<Issued>> issued = new LinkedHashMap<>();
    private final Set<Version> seen = new HashSet<>();
    private final Map<String, Long> recorded = new LinkedHashMap<>();
    /** A version ignored as covered by a clock, though it beats that clock's version in the resolution order. */
    record CoveredYetNewer(Key key, long at, String what) {
    }

    private final List<CoveredYetNewer> coveredYetNewer = new ArrayList<>();

    Op invoke(int logical, int attempt, String client, String coordinator, Kind kind, Key key, byte[] value,
              ConsistencyLevel consistency, Optional<String> idempotencyKey, Optional<VectorClock> causalContext,
              long at) {
        Op op = new Op(ops.size() + 1, logical == 0 ? ops.size() + 1 : logical, attempt, client, coordinator, kind, key,
                value, consistency, idempotencyKey, causalContext, at);
        ops.add(op);
        return op;
    }

    void issued(TenantId tenant, String key, Version version, long at) {
        // a version's clock carries its issuer's unique counter, so the same version is never issued for two keys
        if (seen.add(version)) {
            issued.computeIfAbsent(new Key(tenant, key), k -> new ArrayList<>()).add(new Issued(version, at));
        }
    }

    /** A coordinator process was granted coordinator id {@code id} by the pool (PostgreSQL) at {@code at}. */
    record IdClaim(String id, String instance, long at) {
    }

    /** A version process {@code instance} issued under coordinator id {@code id}, first seen at {@code at}. */
    record IdUse(String id, String instance, Key key, Version version, long at) {
    }

    private final List<IdClaim> idClaims = new ArrayList<>();
    private final List<IdUse> idUses = new ArrayList<>();

    void claimed(String id, String instance, long at) {
        idClaims.add(new IdClaim(id, instance, at));
    }

    List<IdClaim> idClaims() {
        return idClaims;
    }

    List<IdUse> idUses() {
        return idUses;
    }

    /**
     * Records a version on its way to a node; {@code issuer} (the sending process and the id it holds
     * last) is kept with it when this is its first sending, which only its issuer does.
     */
    void issued(TenantId tenant, String key, Version version, long at, String instance, String heldId) {
        if (seen.contains(version)) {
            return;
        }
        issued(tenant, key, version, at);
        if (heldId != null && version.clock().get(heldId) > 0) {
            idUses.add(new IdUse(heldId, instance, new Key(tenant, key), version, at));
        }
    }

    /** Redis stored a write's answer as idempotency record {@code storageKey} (the first time, at {@code at}). */
    void recorded(String storageKey, long at) {
        recorded.putIfAbsent(storageKey, at);
    }

    boolean recordedBefore(String storageKey, long at) {
        Long first = recorded.get(storageKey);
        return first != null && first < at;
    }

    /**
     * A repair whose comparison began at {@code began} made a tenant's range equal on all its replicas
     * and asked PostgreSQL to record it at {@code finished}.
     */
    record RangeRepaired(TenantId tenant, TokenRange range, long began, long finished) {
    }

    /** A node purged a tombstone of the key with clock {@code clock} at {@code at}. */
    record Purged(Key key, VectorClock clock, long at) {
    }

    private final List<Purged> purges = new ArrayList<>();

    void purged(Key key, VectorClock clock, long at) {
        purges.add(new Purged(key, clock, at));
    }

    /** When a node first purged, by {@code by}, a tombstone of the key whose clock covers {@code clock}. */
    OptionalLong firstPurgeCovering(Key key, VectorClock clock, long by) {
        return purges.stream().filter(p -> p.key().equals(key) && p.at() <= by && p.clock().covers(clock))
                .mapToLong(Purged::at).min();
    }

    private final List<RangeRepaired> rangesRepaired = new ArrayList<>();

    void rangeRepaired(TenantId tenant, TokenRange range, long began, long finished) {
        rangesRepaired.add(new RangeRepaired(tenant, range, began, finished));
    }

    /** Whether a repair of a range of the key's tenant holding its token began at or after {@code from} and finished by {@code to}. */
    boolean repairedBetween(Key key, long from, long to) {
        Token token = Token.forKey(key.tenant().value(), key.key());
        return rangesRepaired.stream().anyMatch(r -> r.tenant().equals(key.tenant()) && r.began() >= from
                && r.finished() <= to && r.range().contains(token));
    }

    /** A node ignored a version of the key as dominated, though it would have won had they been concurrent. */
    void dominatedButNewer(Key key, long at, String what) {
        coveredYetNewer.add(new CoveredYetNewer(key, at, what));
    }

    boolean dominatedButNewerBetween(Key key, long from, long to) {
        return coveredYetNewer.stream().anyMatch(c -> c.key().equals(key) && c.at() >= from && c.at() <= to);
    }

    List<CoveredYetNewer> coveredYetNewer() {
        return List.copyOf(coveredYetNewer);
    }

    List<Op> ops() {
        return ops;
    }

    List<Issued> issued(Key key) {
        return issued.getOrDefault(key, List.of());
    }

    /** Every key a client wrote or deleted (or tried to), in the order first used. */
    List<Key> keys() {
        Set<Key> keys = new LinkedHashSet<>();
        for (Op op : ops) {
            if (op.kind != Kind.GET) {
                keys.add(op.key);
            }
        }
        keys.addAll(issued.keySet());
        return List.copyOf(keys);
    }
}
