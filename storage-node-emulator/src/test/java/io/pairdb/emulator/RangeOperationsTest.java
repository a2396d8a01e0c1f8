package io.pairdb.emulator;

import static io.pairdb.emulator.Fixtures.aValue;
import static io.pairdb.emulator.Fixtures.entry;
import static io.pairdb.emulator.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.RangeDigestResponse;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteBatchResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RangeOperationsTest {

    private final EmulatorFixture node = EmulatorFixture.start();

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void countsTheAppliedIgnoredAndMergedEntriesOfABatch() {
        node.writeBatch(
                entry("acme", "stale", 1, aValue("v2").clock("c1", 2).build()),
                entry("acme", "concurrent", 2, aValue("x").clock("c1", 1).build()));

        WriteBatchResponse response = node.storage().writeBatch(WriteBatchRequest.newBuilder()
                .addEntries(entry("acme", "stale", 1, aValue("v1").clock("c1", 1).build()))
                .addEntries(entry("acme", "concurrent", 2, aValue("y").clock("c2", 1).build()))
                .addEntries(entry("acme", "new-1", 3, aValue("n").clock("c1", 1).build()))
                .addEntries(entry("acme", "new-2", 4, aValue("n").clock("c1", 1).build()))
                .build());

        assertThat(response.getApplied()).isEqualTo(2);
        assertThat(response.getIgnored()).isEqualTo(1);
        assertThat(response.getMerged()).isEqualTo(1);
        assertThat(node.emulator.store().keyCount()).isEqualTo(4);
    }

    @Test
    void rejectsABatchWithAMalformedEntryWithoutApplyingAnyOfIt() {
        WriteBatchRequest request = WriteBatchRequest.newBuilder()
                .addEntries(entry("acme", "fine", 1, aValue("v").clock("c1", 1).build()))
                .addEntries(entry("acme", "", 2, aValue("v").clock("c1", 1).build()))
                .build();

        assertThatThrownBy(() -> node.storage().writeBatch(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("entries[1].key");
                });
        assertThat(node.emulator.store().keyCount()).isZero();
    }

    @Test
    void deletesEveryEntryOfAWrappingRangeAndSaysHowMany() {
        node.writeBatch(
                entry("acme", "k5", 5, aValue("v").clock("c1", 1).build()),
                entry("acme", "k50", 50, aValue("v").clock("c1", 1).build()),
                entry("acme", "k500", 500, aValue("v").clock("c1", 1).build()),
                entry("acme", "top", -1L, aValue("v").clock("c1", 1).build()));

        long deleted = node.storage().deleteRange(DeleteRangeRequest.newBuilder()
                .setRange(range(100, 10)).build()).getDeleted();

        assertThat(deleted).isEqualTo(3);
        assertThat(node.read("acme", "k50").getFound()).isTrue();
        assertThat(node.read("acme", "k5").getFound()).isFalse();
        assertThat(node.emulator.store().keyCount()).isEqualTo(1);
    }

    @Test
    void deletesOnlyTheRequestedTenantsEntries() {
        node.writeBatch(
                entry("acme", "a", 5, aValue("v").clock("c1", 1).build()),
                entry("other", "b", 6, aValue("v").clock("c1", 1).build()));

        long deleted = node.storage().deleteRange(DeleteRangeRequest.newBuilder()
                .setRange(range(0, 0)).setTenantId("acme").build()).getDeleted();

        assertThat(deleted).isEqualTo(1);
        assertThat(node.read("other", "b").getFound()).isTrue();
    }

    @Test
    void refusesToDeleteARangeThatWasNotGiven() {
        node.writeBatch(entry("acme", "a", 5, aValue("v").clock("c1", 1).build()));

        assertThatThrownBy(() -> node.storage().deleteRange(DeleteRangeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(node.emulator.store().keyCount()).isEqualTo(1);
    }

    @Test
    void digestsTheSameDataTheSameWhateverOrderItArrivedIn() {
        List<Entry> data = sampleData();
        List<Entry> reversed = new ArrayList<>(data);
        Collections.reverse(reversed);

        try (EmulatorFixture other = EmulatorFixture.start()) {
            reversed.forEach(other::writeBatch);
            data.forEach(node::writeBatch);

            RangeDigestResponse here = digest(node, 0, 0);
            RangeDigestResponse there = digest(other, 0, 0);

            assertThat(here.getDigest()).isEqualTo(there.getDigest());
            assertThat(here.getKeyCount()).isEqualTo(there.getKeyCount()).isEqualTo(data.size());
        }
    }

    @Test
    void digestsDifferentlyWhenOneClockDiffers() {
        List<Entry> data = sampleData();
        try (EmulatorFixture other = EmulatorFixture.start()) {
            data.forEach(node::writeBatch);
            data.forEach(other::writeBatch);
            other.writeBatch(entry("acme", "k20", 20, aValue("v").clock("c1", 1).clock("c2", 1).build()));

            assertThat(digest(node, 0, 0).getDigest()).isNotEqualTo(digest(other, 0, 0).getDigest());
            // Outside the changed key's token the replicas still agree.
            assertThat(digest(node, 20, 0).getDigest()).isEqualTo(digest(other, 20, 0).getDigest());
        }
    }

    @Test
    void digestsOnlyTheRequestedTenantAndRange() {
        sampleData().forEach(node::writeBatch);

        RangeDigestResponse acmeOnly = node.storage().rangeDigest(RangeDigestRequest.newBuilder()
                .setRange(range(0, 0)).setTenantId("acme").build());
        RangeDigestResponse narrow = digest(node, 10, 20);

        assertThat(acmeOnly.getKeyCount()).isEqualTo(3);
        assertThat(narrow.getKeyCount()).isEqualTo(2);
        assertThat(acmeOnly.getDigest().size()).isEqualTo(32);
    }

    private static RangeDigestResponse digest(EmulatorFixture fixture, long startExclusive, long endInclusive) {
        return fixture.storage().rangeDigest(RangeDigestRequest.newBuilder()
                .setRange(range(startExclusive, endInclusive)).build());
    }

    private static List<Entry> sampleData() {
        return List.of(
                entry("acme", "k10", 10, aValue("v").clock("c1", 1).build()),
                entry("acme", "k20", 20, aValue("v").clock("c1", 1).build()),
                entry("other", "k20", 20, aValue("w").clock("c2", 3).build()),
                entry("acme", "k30", 30, aValue("v").clock("c1", 2).clock("c3", 1).build()));
    }
}
