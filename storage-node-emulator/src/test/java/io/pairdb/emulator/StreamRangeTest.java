package io.pairdb.emulator;

import static io.pairdb.emulator.Fixtures.aValue;
import static io.pairdb.emulator.Fixtures.entry;
import static io.pairdb.emulator.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.StreamPosition;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamRangeTest {

    /** The top of the ring: -1 as a signed long. */
    private static final long MAX = -1L;
    /** 2^63: negative as a signed long, in the upper half of the unsigned ring. */
    private static final long UPPER_HALF = Long.MIN_VALUE;

    private final EmulatorFixture node = EmulatorFixture.start();

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void streamsTheEntriesOfARangeInTokenOrderExcludingItsStart() {
        store("acme", "k30", 30);
        store("acme", "k10", 10);
        store("acme", "k20", 20);
        store("acme", "k40", 40);

        assertThat(keys(stream(request(10, 30)))).containsExactly("k20", "k30");
    }

    @Test
    void comparesTokensUnsigned() {
        store("acme", "upper", UPPER_HALF);
        store("acme", "top", MAX);
        store("acme", "low", 5);

        assertThat(keys(stream(request(0, MAX)))).containsExactly("low", "upper", "top");
        assertThat(keys(stream(request(5, UPPER_HALF)))).containsExactly("upper");
    }

    @Test
    void wrapsPastTheTopOfTheRingWhenStartIsNotBelowEnd() {
        store("acme", "k0", 0);
        store("acme", "k10", 10);
        store("acme", "k20", 20);
        store("acme", "k30", 30);
        store("acme", "top", MAX);

        assertThat(keys(stream(request(20, 10)))).containsExactly("k30", "top", "k0", "k10");
        assertThat(keys(stream(request(MAX, 0)))).containsExactly("k0");
    }

    @Test
    void streamsTheWholeRingWhenStartEqualsEnd() {
        store("acme", "k0", 0);
        store("acme", "k10", 10);
        store("acme", "k20", 20);
        store("acme", "top", MAX);

        assertThat(keys(stream(request(10, 10)))).containsExactly("k20", "top", "k0", "k10");
    }

    @Test
    void ordersEntriesOfOneTokenByTenantThenKey() {
        store("beta", "a", 7);
        store("acme", "b", 7);
        store("acme", "a", 7);

        assertThat(stream(request(0, 10)).stream().map(e -> e.getTenantId() + "/" + e.getKey()))
                .containsExactly("acme/a", "acme/b", "beta/a");
    }

    @Test
    void resumesStrictlyAfterTheGivenPosition() {
        store("acme", "a", 7);
        store("acme", "b", 7);
        store("acme", "c", 8);

        StreamRangeRequest resume = request(0, 10).toBuilder()
                .setAfter(StreamPosition.newBuilder().setToken(7).setTenantId("acme").setKey("a")).build();

        assertThat(keys(stream(resume))).containsExactly("b", "c");
    }

    @Test
    void resumesInThePartOfAWrappingRangeBelowItsEnd() {
        store("acme", "k30", 30);
        store("acme", "k0", 0);
        store("acme", "k5", 5);
        store("acme", "k10", 10);

        StreamRangeRequest resume = request(20, 10).toBuilder()
                .setAfter(StreamPosition.newBuilder().setToken(0).setTenantId("acme").setKey("k0")).build();

        assertThat(keys(stream(resume))).containsExactly("k5", "k10");
    }

    @Test
    void resumesInThePartOfAWrappingRangeAboveItsStart() {
        store("acme", "k30", 30);
        store("acme", "k40", 40);
        store("acme", "k5", 5);

        StreamRangeRequest resume = request(20, 10).toBuilder()
                .setAfter(StreamPosition.newBuilder().setToken(30).setTenantId("acme").setKey("k30")).build();

        assertThat(keys(stream(resume))).containsExactly("k40", "k5");
    }

    @Test
    void streamsOnlyTheRequestedTenant() {
        store("acme", "mine", 1);
        store("other", "theirs", 2);
        store("acme", "also-mine", 3);

        StreamRangeRequest onlyAcme = request(0, 0).toBuilder().setTenantId("acme").build();

        assertThat(keys(stream(onlyAcme))).containsExactly("mine", "also-mine");
    }

    @Test
    void sendsBatchesOfTheRequestedSize() {
        for (int i = 1; i <= 7; i++) {
            store("acme", "k" + i, i);
        }

        List<StreamRangeResponse> batches = responses(request(0, 0).toBuilder().setBatchSize(3).build());

        assertThat(batches).extracting(StreamRangeResponse::getEntriesCount).containsExactly(3, 3, 1);
    }

    @Test
    void sendsBatchesOfFiveHundredByDefault() {
        storeMany(501);

        assertThat(responses(request(0, 0))).extracting(StreamRangeResponse::getEntriesCount).containsExactly(500, 1);
    }

    @Test
    void streamsALargeRangeCompletelyInOrder() {
        int count = 5_000;
        storeMany(count);

        List<Entry> entries = stream(request(0, 0).toBuilder().setBatchSize(25).build());

        assertThat(entries).hasSize(count);
        assertThat(entries).extracting(Entry::getToken).isSorted();
    }

    @Test
    void answersAnEmptyRangeWithNoEntries() {
        store("acme", "k50", 50);

        assertThat(stream(request(10, 20))).isEmpty();
    }

    @Test
    void streamsTheStoredVersionsWithTheirClocks() {
        var version = aValue("blue").clock("c1", 2).clock("c2", 1).at(123).build();
        node.writeBatch(entry("acme", "colour", 42, version));

        assertThat(stream(request(0, 0))).containsExactly(entry("acme", "colour", 42, version));
    }

    @Test
    void rejectsAResumePositionOutsideTheRange() {
        StreamRangeRequest outside = request(10, 20).toBuilder()
                .setAfter(StreamPosition.newBuilder().setToken(25).setTenantId("acme").setKey("k")).build();

        assertInvalidArgument(outside);
    }

    @Test
    void rejectsARequestWithoutARange() {
        assertInvalidArgument(StreamRangeRequest.getDefaultInstance());
    }

    private void assertInvalidArgument(StreamRangeRequest request) {
        assertThatThrownBy(() -> stream(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    private void store(String tenantId, String key, long token) {
        node.writeBatch(entry(tenantId, key, token, aValue(key).clock("c1", 1).build()));
    }

    /** Tokens 1..count, written in descending order so the scan order is the node's doing. */
    private void storeMany(int count) {
        List<Entry> entries = new ArrayList<>();
        for (int token = count; token >= 1; token--) {
            entries.add(entry("acme", "k" + token, token, aValue("v").clock("c1", 1).build()));
        }
        node.writeBatch(entries.toArray(Entry[]::new));
    }

    private static StreamRangeRequest request(long startExclusive, long endInclusive) {
        return StreamRangeRequest.newBuilder().setRange(range(startExclusive, endInclusive)).build();
    }

    private List<StreamRangeResponse> responses(StreamRangeRequest request) {
        List<StreamRangeResponse> responses = new ArrayList<>();
        node.storage().streamRange(request).forEachRemaining(responses::add);
        return responses;
    }

    private List<Entry> stream(StreamRangeRequest request) {
        return responses(request).stream().flatMap(response -> response.getEntriesList().stream()).toList();
    }

    private static List<String> keys(List<Entry> entries) {
        return entries.stream().map(Entry::getKey).toList();
    }
}
