package io.pairdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Anti-entropy over one range, against replicas drifted apart at random: missing keys, older
 * versions, concurrent versions, deletes only one replica saw. Whatever the drift, the range and
 * the descent's settings, the replicas end up holding the same resolved version of every key, only
 * the keys that differed are written, and nothing outside the range or the tenant is touched.
 */
class RepairRangePropertiesTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId OTHER = new TenantId("other");
    private static final List<StorageNode> REPLICAS = List.of(node("n1"), node("n2"), node("n3"));

    /** What one replica holds of a key, relative to the version the others hold (c1:2 at t=2). */
    enum Drift { SAME, MISSING, OLDER, CONCURRENT, DELETED_HERE_ONLY }

    record Scenario(List<List<Drift>> drifts, TokenRange range, RepairSettings settings) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Drift> drift = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.just(Drift.SAME)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Drift.MISSING)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Drift.OLDER)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Drift.CONCURRENT)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Drift.DELETED_HERE_ONLY)));
        Arbitrary<List<List<Drift>>> drifts = drift.list().ofSize(REPLICAS.size()).list().ofMinSize(1).ofMaxSize(300);
        Arbitrary<TokenRange> ranges = Arbitraries.oneOf(
                Arbitraries.just(new TokenRange(Token.MIN, Token.MIN)),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                        .as((a, b) -> new TokenRange(new Token(a), new Token(b))));
        Arbitrary<RepairSettings> settings = Combinators.combine(
                        Arbitraries.integers().between(2, 16),
                        Arbitraries.longs().between(1, 50),
                        Arbitraries.integers().between(1, 8))
                .as((fanOut, leafKeys, depth) -> new RepairSettings(fanOut, leafKeys, depth, Duration.ofSeconds(5), 7));
        return Combinators.combine(drifts, ranges, settings).as(Scenario::new);
    }

    @Property(tries = 200)
    void everyKeyOfTheRangeEndsIdenticalOnEveryReplicaAndOnlyDifferingKeysAreWritten(
            @ForAll("scenarios") Scenario scenario) {
        InMemoryStorageRanges nodes = drifted(scenario);
        Map<NodeId, Map<KeyPosition, Entry>> before = heldByEach(nodes);
        Expected expected = expected(before, scenario.range());

        RangeRepairOutcome outcome = new RepairRange(nodes, scenario.settings())
                .repair(ACME, scenario.range(), REPLICAS, false);

        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        for (StorageNode replica : REPLICAS) {
            Map<KeyPosition, Entry> after = nodes.held(replica.id());
            for (var key : expected.resolved().entrySet()) {
                assertThat(after.get(key.getKey()).version().clock())
                        .as("%s on %s", key.getKey(), replica.id())
                        .isEqualTo(key.getValue().clock());
            }
            // outside the range, and the other tenant's keys, stay as they were
            Map<KeyPosition, Entry> untouched = new HashMap<>(before.get(replica.id()));
            untouched.keySet().removeAll(expected.resolved().keySet());
            Map<KeyPosition, Entry> afterUntouched = new HashMap<>(after);
            afterUntouched.keySet().removeAll(expected.resolved().keySet());
            assertThat(afterUntouched).isEqualTo(untouched);
        }
        assertThat(outcome.report().keysDiffering()).isEqualTo(expected.keysDiffering());
        assertThat(outcome.report().entriesWritten()).isEqualTo(expected.writesNeeded());
    }

    @Property(tries = 100)
    void aDryRunCountsTheDifferingKeysAndWritesNothing(@ForAll("scenarios") Scenario scenario) {
        InMemoryStorageRanges nodes = drifted(scenario);
        Map<NodeId, Map<KeyPosition, Entry>> before = heldByEach(nodes);
        Expected expected = expected(before, scenario.range());

        RangeRepairOutcome outcome = new RepairRange(nodes, scenario.settings())
                .repair(ACME, scenario.range(), REPLICAS, true);

        assertThat(heldByEach(nodes)).isEqualTo(before);
        assertThat(outcome.report().keysDiffering()).isEqualTo(expected.keysDiffering());
        assertThat(outcome.report().entriesWritten()).isZero();
        assertThat(outcome.report().bytesWritten()).isZero();
    }

    @Property(tries = 50)
    void replicasThatAgreeExchangeOnlyOneRoundOfDigests(@ForAll("scenarios") Scenario scenario) {
        List<List<Drift>> allSame = scenario.drifts().stream()
                .map(d -> d.stream().map(x -> Drift.SAME).toList()).toList();
        InMemoryStorageRanges nodes = drifted(new Scenario(allSame, scenario.range(), scenario.settings()));

        RepairReport report = new RepairRange(nodes, scenario.settings())
                .repair(ACME, scenario.range(), REPLICAS, false).report();

        assertThat(report.leavesDiffered()).isZero();
        assertThat(report.keysCompared()).isZero();
        assertThat(report.entriesWritten()).isZero();
        REPLICAS.forEach(r -> assertThat(nodes.digestCalls(r.id())).isEqualTo(1));
    }

    private static InMemoryStorageRanges drifted(Scenario scenario) {
        InMemoryStorageRanges nodes = new InMemoryStorageRanges();
        for (int k = 0; k < scenario.drifts().size(); k++) {
            String key = "k" + k;
            for (int r = 0; r < REPLICAS.size(); r++) {
                NodeId replica = REPLICAS.get(r).id();
                switch (scenario.drifts().get(k).get(r)) {
                    case SAME -> nodes.put(replica, ACME, key, value("v2", VectorClock.of("c1", 2), 2));
                    case MISSING -> {
                    }
                    case OLDER -> nodes.put(replica, ACME, key, value("v1", VectorClock.of("c1", 1), 1));
                    case CONCURRENT -> nodes.put(replica, ACME, key,
                            value("x" + r, VectorClock.of("c1", 1).with("c" + (r + 2), 1), 1 + k % 3));
                    case DELETED_HERE_ONLY -> nodes.put(replica, ACME, key,
                            Version.tombstone(VectorClock.of("c1", 3), 3));
                }
                // the same key of another tenant differs too, and must be left alone
                if (k % 7 == 0 && r == 0) {
                    nodes.put(replica, OTHER, key, value("o", VectorClock.of("c9", 1), 1));
                }
            }
        }
        return nodes;
    }

    record Expected(Map<KeyPosition, Version> resolved, long keysDiffering, long writesNeeded) {
    }

    /** Worked out from what the replicas held, independently of the repair. */
    private static Expected expected(Map<NodeId, Map<KeyPosition, Entry>> before, TokenRange range) {
        Map<KeyPosition, List<Optional<Version>>> copies = new HashMap<>();
        before.values().forEach(held -> held.keySet().stream()
                .filter(p -> p.tenant().equals(ACME) && range.contains(p.token()))
                .forEach(p -> copies.putIfAbsent(p, new ArrayList<>())));
        copies.forEach((position, list) -> REPLICAS.forEach(r ->
                list.add(Optional.ofNullable(before.get(r.id()).get(position)).map(Entry::version))));
        Map<KeyPosition, Version> resolved = new HashMap<>();
        long differing = 0;
        long writes = 0;
        for (var key : copies.entrySet()) {
            Version winner = Resolution.resolve(key.getValue().stream().flatMap(Optional::stream).toList()).orElseThrow();
            resolved.put(key.getKey(), winner);
            long stale = key.getValue().stream()
                    .filter(v -> v.isEmpty() || !v.get().clock().equals(winner.clock())).count();
            writes += stale;
            differing += stale > 0 ? 1 : 0;
        }
        return new Expected(resolved, differing, writes);
    }

    private static Map<NodeId, Map<KeyPosition, Entry>> heldByEach(InMemoryStorageRanges nodes) {
        Map<NodeId, Map<KeyPosition, Entry>> held = new HashMap<>();
        REPLICAS.forEach(r -> held.put(r.id(), nodes.held(r.id())));
        return held;
    }

    private static Version value(String text, VectorClock clock, long timestampMs) {
        return Version.of(text.getBytes(StandardCharsets.UTF_8), clock, timestampMs);
    }

    static StorageNode node(String id) {
        Instant now = Instant.EPOCH;
        return new StorageNode(new NodeId(id), "127.0.0.1", 1, 16, NodeState.NORMAL, Liveness.UP, now, now);
    }
}
