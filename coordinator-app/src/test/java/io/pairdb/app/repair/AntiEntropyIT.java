package io.pairdb.app.repair;

import static io.pairdb.app.repair.Replicas.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.adapters.storage.GrpcStorageRanges;
import io.pairdb.core.repair.RangeRepairOutcome;
import io.pairdb.core.repair.RepairRange;
import io.pairdb.core.repair.RepairSettings;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy against real emulator nodes over gRPC, with drift made on purpose through the
 * emulator's fault hooks. Divergence is counted on the nodes themselves, before and after.
 */
class AntiEntropyIT {
    private static final int KEYS = 5_000;
    private static final TokenRange WHOLE_RING = new TokenRange(Token.MIN, Token.MIN);
    private static final GrpcStorageRanges RANGES = new GrpcStorageRanges();

    private Replicas replicas;

    @BeforeEach
    void startNodes() {
        replicas = new Replicas(3);
    }

    @AfterEach
    void stopNodes() {
        replicas.close();
    }

    @AfterAll
    static void closeChannels() {
        RANGES.close();
    }

    @Test
    void aReplicaThatDroppedAShareOfWritesHoldsEveryKeyAfterRepair() {
        for (int i = 0; i < KEYS; i++) {
            if (i % 5 == 0) {
                replicas.emulator(2).faults().failNextWrites(1);
            }
            replicas.writeToAll("k" + i, value("v" + i, VectorClock.of("c1", 1), 1));
        }
        long before = replicas.divergentKeys();

        RangeRepairOutcome outcome = repair(false);

        report("a replica dropped every fifth write", before, outcome);
        assertThat(before).isEqualTo(KEYS / 5);
        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(replicas.divergentKeys()).isZero();
        assertThat(outcome.report().keysDiffering()).isEqualTo(before);
        assertThat(replicas.held().get(2)).hasSize(KEYS);
    }

    @Test
    void aNodeThatLostAllItsDataGetsItBack() {
        writeEverywhere(KEYS);
        replicas.emulator(1).store().clear();
        long before = replicas.divergentKeys();

        RangeRepairOutcome outcome = repair(false);

        report("a node lost its data (and had no hints)", before, outcome);
        assertThat(before).isEqualTo(KEYS);
        assertThat(replicas.divergentKeys()).isZero();
        assertThat(replicas.held().get(1)).isEqualTo(replicas.held().get(0)).hasSize(KEYS);
    }

    @Test
    void aReplicaThatMissedDeletesGetsTheirTombstonesSoTheKeysStayDeleted() {
        long t0 = System.nanoTime();
        writeEverywhere(KEYS);
        long t1 = System.nanoTime();
        replicas.emulator(0).faults().setUnavailable(true);
        for (int i = 0; i < KEYS; i += 2) {
            replicas.writeToAll("k" + i, Version.tombstone(VectorClock.of("c1", 2), 2));
        }
        replicas.emulator(0).faults().setUnavailable(false);
        long t2 = System.nanoTime();
        long before = replicas.divergentKeys();

        RangeRepairOutcome outcome = repair(false);
        System.out.printf("anti-entropy timing: writes %d ms, deletes %d ms, repair %d ms%n", (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);

        report("a replica missed half the deletes", before, outcome);
        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(before).isEqualTo(KEYS / 2);
        assertThat(replicas.divergentKeys()).isZero();
        assertThat(replicas.emulator(0).store().get(Replicas.TENANT.value(), "k0").orElseThrow().tombstone()).isTrue();
    }

    @Test
    void aDryRunCountsWhatDiffersAndChangesNothing() {
        for (int i = 0; i < KEYS; i++) {
            if (i % 10 == 0) {
                replicas.emulator(1).faults().failNextWrites(1);
            }
            replicas.writeToAll("k" + i, value("v" + i, VectorClock.of("c1", 1), 1));
        }
        var heldBefore = replicas.held();

        RangeRepairOutcome outcome = repair(true);

        assertThat(outcome.report().keysDiffering()).isEqualTo(KEYS / 10);
        assertThat(outcome.report().entriesWritten()).isZero();
        assertThat(replicas.held()).isEqualTo(heldBefore);
    }

    @Test
    void aRepairWhileWritesRunLosesAndRegressesNothingAcknowledged() throws Exception {
        for (int i = 0; i < KEYS; i++) {
            if (i % 4 == 0) {
                replicas.emulator(2).faults().failNextWrites(1);
            }
            replicas.writeToAll("k" + i, value("v" + i, VectorClock.of("c1", 1), 1));
        }
        Map<String, VectorClock> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean repairDone = new AtomicBoolean();
        AtomicLong counter = new AtomicLong();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(() -> {
            while (!repairDone.get() || counter.get() < 200) {
                long n = counter.incrementAndGet();
                String key = "k" + ThreadLocalRandom.current().nextInt(KEYS);
                VectorClock clock = VectorClock.of("c1", 1).with("c2", n);
                if (replicas.writeToAll(key, value("live-" + n, clock, 10 + n))) {
                    acknowledged.merge(key, clock, VectorClock::merge);
                }
            }
        });

        RangeRepairOutcome outcome = repair(false);
        repairDone.set(true);
        writing.get(2, TimeUnit.MINUTES);
        writer.shutdown();

        assertThat(outcome).isInstanceOf(RangeRepairOutcome.Repaired.class);
        assertThat(acknowledged).isNotEmpty();
        List<Map<String, VectorClock>> held = replicas.held();
        acknowledged.forEach((key, clock) -> held.forEach(node -> assertThat(node.get(key).compare(clock))
                .as("%s: what a node holds against what was acknowledged", key)
                .isIn(Causality.EQUAL, Causality.AFTER)));
        assertThat(replicas.divergentKeys()).isZero();
    }

    private void writeEverywhere(int keys) {
        for (int i = 0; i < keys; i++) {
            assertThat(replicas.writeToAll("k" + i, value("v" + i, VectorClock.of("c1", 1), 1))).isTrue();
        }
    }

    private RangeRepairOutcome repair(boolean dryRun) {
        return new RepairRange(RANGES, RepairSettings.DEFAULTS).repair(Replicas.TENANT, WHOLE_RING, replicas.nodes(), dryRun);
    }

    private static void report(String drift, long before, RangeRepairOutcome outcome) {
        System.out.printf("anti-entropy: %s: %d divergent keys before, report %s%n", drift, before, outcome.report());
    }
}
