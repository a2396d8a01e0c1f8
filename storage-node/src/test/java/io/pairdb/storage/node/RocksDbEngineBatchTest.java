package io.pairdb.storage.node;

import static io.pairdb.storage.contract.Fixtures.aTombstone;
import static io.pairdb.storage.contract.Fixtures.aValue;
import static io.pairdb.storage.contract.Fixtures.entry;
import static io.pairdb.storage.contract.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.version.ConditionalApply;
import io.pairdb.storage.contract.Fixtures;
import io.pairdb.storage.server.ApplyResult;
import io.pairdb.storage.server.EntryScan;
import io.pairdb.storage.server.Protos;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import io.pairdb.storage.server.WritesRefusedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch of writes is one write: each entry resolved as separate applies would, all durable together or none. */
class RocksDbEngineBatchTest {
    private static final String[] COORDINATORS = {"c1", "c2", "c3"};

    @TempDir
    Path dir;

    private RocksDbEngine open(String name, Supplier<Optional<WritesRefusedException>> refusal) throws Exception {
        return RocksDbEngine.open(dir.resolve(name), true, new RocksDbEngine.Settings(SyncPolicy.ALWAYS, 1 << 20),
                refusal);
    }

    @Test
    void aBatchEndsAsTheSameEntriesAppliedOneAfterAnother() throws Exception {
        Random random = new Random(20261207);
        try (RocksDbEngine batched = open("batched", Optional::empty);
             RocksDbEngine oneByOne = open("one-by-one", Optional::empty)) {
            // and the conditional apply itself, one entry after another, as the oracle
            Model model = new Model();
            for (int round = 0; round < 200; round++) {
                // few keys and clocks, so batches repeat keys, overtake, tie and conflict with what is stored
                List<StoredEntry> batch = new ArrayList<>();
                int size = 1 + random.nextInt(12);
                for (int i = 0; i < size; i++) {
                    batch.add(randomEntry(random));
                }

                List<ApplyResult> together = batched.applyAll(batch);
                List<ApplyResult> separately = batch.stream().map(oneByOne::apply).toList();

                assertThat(together).as("round %d: %s", round, batch).isEqualTo(separately)
                        .isEqualTo(batch.stream().map(e -> model.apply(e)).toList());
            }
            assertThat(contents(batched).stream().collect(Collectors.toMap(StoredEntry::key, StoredEntry::version)))
                    .isEqualTo(model.held);
            // and a batch that deletes k0, and writes then deletes k1, over everything before
            List<StoredEntry> deletes = List.of(dominating("k0", aTombstone(), 100), dominating("k1", aValue("v"), 100),
                    dominating("k1", aTombstone(), 101));
            assertThat(batched.applyAll(deletes)).isEqualTo(deletes.stream().map(oneByOne::apply).toList());

            List<StoredEntry> held = contents(batched);
            assertThat(held).isEqualTo(contents(oneByOne));
            long tombstones = held.stream().filter(e -> e.version().tombstone()).count();
            assertThat(tombstones).isGreaterThanOrEqualTo(2);
            assertThat(batched.purgeTombstonesOlderThan(Long.MAX_VALUE)).as("the tombstone index holds every tombstone")
                    .isEqualTo(tombstones);
            assertThat(oneByOne.purgeTombstonesOlderThan(Long.MAX_VALUE)).isEqualTo(tombstones);
            assertThat(contents(batched)).isEqualTo(contents(oneByOne)).hasSize(held.size() - (int) tombstones);
        }
    }

    @Test
    void aRefusedBatchWritesNoneOfItsEntries() throws Exception {
        var full = new WritesRefusedException("DISK_FULL", "writes refused: the disk is full");
        try (RocksDbEngine engine = open("full", () -> Optional.of(full))) {
            assertThatThrownBy(() -> engine.applyAll(List.of(value("a", "c1", 1), value("b", "c1", 1))))
                    .isSameAs(full);
            assertThat(contents(engine)).isEmpty();
        }
    }

    @Test
    void aRefusalThatBeginsWhileABatchIsAppliedDoesNotSplitIt() throws Exception {
        // the disk check turns to "full" after the batch was admitted: the batch is one write, applied whole
        var asked = new AtomicInteger();
        var full = new WritesRefusedException("DISK_FULL", "writes refused: the disk is full");
        try (RocksDbEngine engine = open("filling", () -> asked.getAndIncrement() == 0 ? Optional.empty()
                : Optional.of(full))) {
            List<ApplyResult> results = engine.applyAll(List.of(value("a", "c1", 1), value("b", "c1", 1),
                    value("c", "c1", 1)));

            assertThat(results).hasSize(3);
            assertThat(contents(engine)).hasSize(3);
            assertThatThrownBy(() -> engine.applyAll(List.of(value("d", "c1", 1)))).isSameAs(full);
        }
    }

    /** What each key holds after the conditional apply of every entry so far, one after another. */
    private static final class Model {
        private final Map<String, StoredVersion> held = new TreeMap<>();

        ApplyResult apply(StoredEntry entry) {
            Optional<StoredVersion> stored = Optional.ofNullable(held.get(entry.key()));
            ConditionalApply.Result applied = ConditionalApply.apply(stored.map(StoredVersion::toVersion),
                    entry.version().toVersion());
            StoredVersion current = switch (applied.outcome()) {
                case IGNORED -> stored.orElseThrow();
                case APPLIED -> entry.version();
                case MERGED -> StoredVersion.of(applied.current());
            };
            held.put(entry.key(), current);
            return new ApplyResult(applied.outcome(), current);
        }
    }

    private static StoredEntry randomEntry(Random random) {
        String key = "k" + random.nextInt(4);
        var version = random.nextInt(4) == 0 ? aTombstone() : aValue("v" + random.nextInt(1000));
        int entries = 1 + random.nextInt(2);
        int first = random.nextInt(COORDINATORS.length);
        for (int i = 0; i < entries; i++) {
            version.clock(COORDINATORS[(first + i) % COORDINATORS.length], 1 + random.nextInt(4));
        }
        version.at(1_000 + random.nextInt(3));
        return Protos.entry("", entry(Fixtures.TENANT, key, Fixtures.tokenOf(key), version.build()));
    }

    private static StoredEntry dominating(String key, Fixtures.VersionBuilder version, long counter) {
        for (String coordinator : COORDINATORS) {
            version.clock(coordinator, counter);
        }
        return Protos.entry("", entry(Fixtures.TENANT, key, Fixtures.tokenOf(key), version.at(2_000).build()));
    }

    private static StoredEntry value(String key, String coordinator, long counter) {
        return Protos.entry("", entry(Fixtures.TENANT, key, Fixtures.tokenOf(key),
                aValue("v").clock(coordinator, counter).build()));
    }

    private static List<StoredEntry> contents(RocksDbEngine engine) {
        List<StoredEntry> all = new ArrayList<>();
        try (EntryScan scan = engine.scan(Protos.range(true, range(0, 0)), Optional.empty(), Optional.empty())) {
            scan.forEachRemaining(all::add);
        }
        return all;
    }
}
