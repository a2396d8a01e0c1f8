package io.pairdb.core.repair;

import static io.pairdb.core.repair.RepairRangePropertiesTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairRangeTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final TokenRange WHOLE_RING = new TokenRange(Token.MIN, Token.MIN);
    private static final StorageNode N1 = node("n1");
    private static final StorageNode N2 = node("n2");
    private static final StorageNode N3 = node("n3");

    private final InMemoryStorageRanges nodes = new InMemoryStorageRanges();

    /** Key "gone" deleted on n1 and n2; n3 missed the delete (its hint long gone) and holds the value. */
    private Version aDeleteN3Missed() {
        for (StorageNode n : List.of(N1, N2, N3)) {
            nodes.put(n.id(), ACME, "gone", value("v", 1));
        }
        Version tombstone = Version.tombstone(VectorClock.of("c1", 2), 2);
        nodes.put(N1.id(), ACME, "gone", tombstone);
        nodes.put(N2.id(), ACME, "gone", tombstone);
        return tombstone;
    }

    @Test
    void bringsBackATombstoneAReplicaMissedSoTheDeletedKeyCannotReturn() {
        Version tombstone = aDeleteN3Missed();

        RangeRepairOutcome outcome = new RepairRange(nodes, RepairSettings.DEFAULTS)
                .repair(ACME, WHOLE_RING, List.of(N1, N2, N3), false);

        assertThat(outcome.report().keysDiffering()).isEqualTo(1);
        assertThat(held(N3, "gone")).isEqualTo(tombstone);
    }

    @Test
    void aLiveWriteThatLandsBetweenComparisonAndRepairIsKept() {
        nodes.put(N1.id(), ACME, "k", value("old", 1));
        Version newer = value("newer", 5);
        // the live write reaches n2 just before the repair's write does
        StorageRanges racing = RacingRanges.beforeFirstWrite(nodes, () -> nodes.put(N2.id(), ACME, "k", newer));

        RangeRepairOutcome outcome = new RepairRange(racing, RepairSettings.DEFAULTS)
                .repair(ACME, WHOLE_RING, List.of(N1, N2), false);

        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(held(N2, "k")).isEqualTo(newer);
    }

    @Test
    void aTombstoneOneHolderPurgesMeanwhileIsFetchedFromAnotherHolder() {
        // n1's purge (the gc grace is running out) takes the tombstone between the comparison and the fetch
        Version tombstone = aDeleteN3Missed();
        StorageRanges purging = RacingRanges.beforeFirstScan(nodes, () -> nodes.remove(N1.id(), ACME, "gone"));

        RangeRepairOutcome outcome = new RepairRange(purging, RepairSettings.DEFAULTS)
                .repair(ACME, WHOLE_RING, List.of(N1, N2, N3), false);

        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(held(N3, "gone")).as("n2 still had the tombstone to give").isEqualTo(tombstone);
    }

    @Test
    void namesTheReplicaThatFailedAndStops() {
        nodes.put(N1.id(), ACME, "k", value("v", 1));
        nodes.failScans(N2.id(), true);

        RangeRepairOutcome outcome = new RepairRange(nodes, RepairSettings.DEFAULTS)
                .repair(ACME, WHOLE_RING, List.of(N1, N2), false);

        assertThat(outcome).isInstanceOfSatisfying(RangeRepairOutcome.ReplicaFailed.class, failed -> {
            assertThat(failed.node()).isEqualTo(N2.id());
            assertThat(failed.reason()).contains("n2");
        });
        assertThat(nodes.held(N2.id())).isEmpty();
    }

    @Test
    void largeValuesAReplicaLacksAreWrittenInBatchesANodeTakes() {
        // six values of 900 kB in one leaf: written as one batch, they would be over the 4 MiB a node takes
        List<String> keys = keysNearTheStartOfTheRing(6);
        for (int i = 0; i < keys.size(); i++) {
            Version large = Version.of(new byte[900_000], VectorClock.of("c1", i + 1), i + 1);
            nodes.put(N1.id(), ACME, keys.get(i), large);
            nodes.put(N2.id(), ACME, keys.get(i), large);
        }

        RangeRepairOutcome outcome = new RepairRange(nodes, RepairSettings.DEFAULTS)
                .repair(ACME, WHOLE_RING, List.of(N1, N2, N3), false);

        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(outcome.report().keysDiffering()).isEqualTo(6);
        assertThat(nodes.held(N3.id())).hasSize(6);
    }

    /** Keys whose tokens lie in the first 1/4096 of the ring: one sub-range at any fan-out the settings allow. */
    private static List<String> keysNearTheStartOfTheRing(int count) {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            if (Token.forKey(ACME.value(), "large-" + i).value() >>> 52 == 0) {
                keys.add("large-" + i);
            }
        }
        return keys;
    }

    private Version held(StorageNode node, String key) {
        return nodes.held(node.id()).get(new KeyPosition(Token.forKey(ACME.value(), key), ACME, key)).version();
    }

    private static Version value(String text, long counter) {
        return Version.of(text.getBytes(StandardCharsets.UTF_8), VectorClock.of("c1", counter), counter);
    }
}
