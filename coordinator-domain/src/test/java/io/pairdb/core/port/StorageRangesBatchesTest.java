package io.pairdb.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StorageRangesBatchesTest {
    private static final TenantId TENANT = new TenantId("t");

    private static Entry entry(int i, int valueBytes) {
        return new Entry(TENANT, "k" + i, Token.forKey(TENANT.value(), "k" + i),
                Version.of(new byte[valueBytes], VectorClock.of("c", i + 1), i + 1));
    }

    @Test
    void cutsByBytesAndEntriesKeepingTheOrderAndEveryEntry() {
        List<Entry> entries = IntStream.range(0, 10).mapToObj(i -> entry(i, 400_000)).toList();

        List<List<Entry>> byBytes = StorageRanges.batches(entries, 500, StorageRanges.DEFAULT_BATCH_BYTES);
        List<List<Entry>> byCount = StorageRanges.batches(entries, 3, Long.MAX_VALUE);

        assertThat(byBytes).hasSize(5).allSatisfy(b -> assertThat(b.stream().mapToLong(Entry::approximateBytes).sum())
                .isLessThanOrEqualTo(StorageRanges.DEFAULT_BATCH_BYTES));
        assertThat(byBytes.stream().flatMap(List::stream).toList()).isEqualTo(entries);
        assertThat(byCount).extracting(List::size).containsExactly(3, 3, 3, 1);
        assertThat(byCount.stream().flatMap(List::stream).toList()).isEqualTo(entries);
    }

    @Test
    void anEntryOverTheLimitGoesAloneAndNothingMakesNoBatch() {
        List<Entry> entries = List.of(entry(0, 10), entry(1, 2_000_000), entry(2, 10));

        assertThat(StorageRanges.batches(entries, 500, StorageRanges.DEFAULT_BATCH_BYTES))
                .containsExactly(List.of(entries.get(0)), List.of(entries.get(1)), List.of(entries.get(2)));
        assertThat(StorageRanges.batches(List.of(), 500, StorageRanges.DEFAULT_BATCH_BYTES)).isEmpty();
    }
}
