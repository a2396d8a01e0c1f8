package io.pairdb.storage.contract;

import static io.pairdb.storage.contract.Fixtures.TENANT;
import static io.pairdb.storage.contract.Fixtures.aTombstone;
import static io.pairdb.storage.contract.Fixtures.aValue;
import static io.pairdb.storage.contract.Fixtures.clock;
import static io.pairdb.storage.contract.Fixtures.entry;
import static io.pairdb.storage.contract.Fixtures.range;
import static io.pairdb.storage.contract.Fixtures.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.storage.v1.ApplyOutcome;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.RangeDigestResponse;
import io.pairdb.proto.storage.v1.RangeDigestsRequest;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.StreamPosition;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.StreamRangeResponse;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteBatchResponse;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract ({@code pairdb.storage.v1.StorageNodeService}) as a test suite: every storage
 * node implementation extends it, once per transport it serves on, and must pass all of it. The
 * suite speaks only gRPC to the node, so what it checks is what a coordinator would notice.
 *
 * <p>An implementation provides {@link #start(NodeUnderTest.Settings)}: an empty node started with
 * those settings. Tests that compare two replicas start two.
 */
public abstract class StorageNodeContract {

    /** The top of the ring: -1 as a signed long. */
    private static final long MAX = -1L;
    /** 2^63: negative as a signed long, in the upper half of the unsigned ring. */
    private static final long UPPER_HALF = Long.MIN_VALUE;
    private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofDays(10);
    /** Generous: a deadline is a safety net against a hung test, not a timing assertion. */
    private static final long DEADLINE_SECONDS = 30;

    private final List<NodeUnderTest> started = new ArrayList<>();
    private NodeUnderTest node;

    /** Starts an empty node of the implementation under test; the suite closes it after the test. */
    protected abstract NodeUnderTest start(NodeUnderTest.Settings settings);

    @AfterEach
    void stopNodes() {
        Collections.reverse(started);
        started.forEach(NodeUnderTest::close);
    }

    private NodeUnderTest node() {
        if (node == null) {
            node = startNode(UnaryOperator.identity());
        }
        return node;
    }

    private NodeUnderTest startNode(UnaryOperator<NodeUnderTest.Settings> settings) {
        NodeUnderTest started = start(settings.apply(NodeUnderTest.Settings.defaults()));
        this.started.add(started);
        return started;
    }

    // ---- conditional apply -----------------------------------------------------------------------

    @Test
    void appliesAVersionWhenNothingIsStored() {
        Version incoming = aValue("blue").clock("c1", 1).at(100).build();

        WriteResponse response = write("colour", incoming);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(response.getCurrent()).isEqualTo(incoming);
        assertThat(read("colour").getVersion()).isEqualTo(incoming);
    }

    @Test
    void ignoresAVersionThatIsDominatedByTheStoredOne() {
        Version stored = aValue("new").clock("c1", 2).clock("c2", 1).at(200).build();
        write("colour", stored);

        WriteResponse response = write("colour", aValue("old").clock("c1", 1).at(300).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(response.getCurrent()).isEqualTo(stored);
        assertThat(read("colour").getVersion()).isEqualTo(stored);
    }

    @Test
    void ignoresTheVersionItAlreadyHolds() {
        Version stored = aValue("first").clock("c1", 3).at(100).build();
        write("colour", stored);

        WriteResponse response = write("colour", stored);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(read("colour").getVersion()).isEqualTo(stored);
    }

    @Test
    void keepsTheWinnerOfTheResolutionOrderBetweenEqualClocksWithDifferentData() {
        Version stored = aValue("first").clock("c1", 3).at(100).build();
        write("colour", stored);
        Version later = aValue("second").clock("c1", 3).at(999).build();

        assertThat(write("colour", later).getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        WriteResponse again = write("colour", stored);

        // the coordinator resolves the two the same way, so a read finds the replicas agreeing
        assertThat(again.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(read("colour").getVersion()).isEqualTo(later);
    }

    @Test
    void appliesAVersionThatDominatesTheStoredOne() {
        write("colour", aValue("old").clock("c1", 1).at(500).build());
        // A missing entry counts as 0, so an extra coordinator entry is enough to dominate,
        // and an older wall-clock timestamp does not matter between causally ordered versions.
        Version newer = aValue("new").clock("c1", 1).clock("c2", 1).at(100).build();

        WriteResponse response = write("colour", newer);

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(read("colour").getVersion()).isEqualTo(newer);
    }

    @Test
    void mergesConcurrentVersionsIntoTheLaterOneUnderTheMergedClock() {
        write("colour", aValue("stored").clock("c1", 2).at(100).build());

        WriteResponse response = write("colour", aValue("incoming").clock("c2", 5).at(200).build());

        Version expected = aValue("incoming").clock("c1", 2).clock("c2", 5).at(200).build();
        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent()).isEqualTo(expected);
        assertThat(read("colour").getVersion()).isEqualTo(expected);
    }

    @Test
    void keepsTheStoredValueUnderTheMergedClockWhenItIsTheLaterConcurrentVersion() {
        write("colour", aValue("stored").clock("c1", 2).at(300).build());

        WriteResponse response = write("colour", aValue("incoming").clock("c2", 5).at(200).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent())
                .isEqualTo(aValue("stored").clock("c1", 2).clock("c2", 5).at(300).build());
    }

    @Test
    void breaksATimestampTieByTheGreaterValueBytesComparedUnsigned() {
        write("colour", aValue((byte) 0x7f).clock("c1", 1).at(100).build());

        // 0x80 is negative as a signed byte; compared unsigned it is the greater value.
        WriteResponse response = write("colour", aValue((byte) 0x80).clock("c2", 1).at(100).build());

        assertThat(response.getCurrent().getValue()).isEqualTo(ByteString.copyFrom(new byte[] {(byte) 0x80}));
    }

    @Test
    void letsAValueWinATimestampTieAgainstATombstone() {
        write("colour", aValue("").clock("c1", 1).at(100).build());

        WriteResponse response = write("colour", aTombstone().clock("c2", 1).at(100).build());

        assertThat(response.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_MERGED);
        assertThat(response.getCurrent().getTombstone()).isFalse();
        assertThat(response.getCurrent().getVectorClock()).isEqualTo(clock("c1", 1, "c2", 1));
    }

    @Test
    void endsWithTheSameVersionWhateverOrderTheVersionsArriveIn() {
        List<Version> versions = List.of(
                aValue("a").clock("c1", 2).clock("c2", 1).at(100).build(),
                aValue("b").clock("c1", 1).clock("c3", 4).at(100).build(),
                aTombstone().clock("c2", 3).at(150).build(),
                aValue("d").clock("c1", 1).at(90).build());
        List<List<Version>> orders = permutations(versions);

        for (int i = 0; i < orders.size(); i++) {
            for (Version version : orders.get(i)) {
                write("key-" + i, version);
            }
        }

        // the tombstone is the latest concurrent version; the result dominates every version written
        Version expected = aTombstone().clock("c1", 2).clock("c2", 3).clock("c3", 4).at(150).build();
        for (int i = 0; i < orders.size(); i++) {
            assertThat(read("key-" + i).getVersion()).as("order %s", orders.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void losesNoConcurrentWriteToTheSameKey() throws Exception {
        int writers = 40;
        List<ListenableFuture<WriteResponse>> responses = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Version version = aValue("from-" + i).clock("c" + i, 1).at(1_000 + i).build();
            responses.add(storageAsync().write(WriteRequest.newBuilder()
                    .setTenantId(TENANT).setKey("contended").setToken(tokenOf("contended")).setVersion(version).build()));
        }
        for (ListenableFuture<WriteResponse> response : responses) {
            response.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        Version stored = read("contended").getVersion();
        assertThat(stored.getVectorClock().getEntriesList()).hasSize(writers);
        assertThat(stored.getValue().toStringUtf8()).isEqualTo("from-" + (writers - 1));
    }

    @Test
    void appliesDeletesAndRepairsConditionallyToo() {
        write("colour", aValue("blue").clock("c1", 2).at(100).build());

        WriteResponse staleRepair = storage().repair(RepairRequest.newBuilder()
                .setTenantId(TENANT).setKey("colour").setToken(tokenOf("colour"))
                .setVersion(aValue("stale").clock("c1", 1).build()).build());
        WriteResponse delete = storage().delete(DeleteRequest.newBuilder()
                .setTenantId(TENANT).setKey("colour").setToken(tokenOf("colour"))
                .setVectorClock(clock("c1", 3)).setTimestampMs(150).build());

        assertThat(staleRepair.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_IGNORED);
        assertThat(delete.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_APPLIED);
        assertThat(delete.getCurrent()).isEqualTo(aTombstone().clock("c1", 3).at(150).build());
    }

    @Test
    void keepsValuesOfAnySizeAndKeysOfAnyTextApartPerTenant() {
        byte[] large = new byte[1 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        Version big = aValue(large).clock("c1", 1).build();
        Version empty = aValue("").clock("c1", 1).build();
        String unicode = "ключ/\u0000/😀";

        write(TENANT, unicode, 5, big);
        write("acme2", unicode, 5, empty);
        // a tenant and key that would run together if the node concatenated them
        write("ac", "me" + unicode, 5, aValue("other").clock("c1", 1).build());

        assertThat(read(TENANT, unicode).getVersion()).isEqualTo(big);
        assertThat(read("acme2", unicode).getVersion()).isEqualTo(empty);
        assertThat(read("ac", "me" + unicode).getVersion().getValue().toStringUtf8()).isEqualTo("other");
        assertThat(read("acm", "e" + unicode).getFound()).isFalse();
    }

    @Test
    void rejectsAWriteWithoutTenantKeyOrVersion() {
        WriteRequest complete = WriteRequest.newBuilder().setTenantId(TENANT).setKey("colour").setToken(7)
                .setVersion(aValue("blue").clock("c1", 1).build()).build();

        assertInvalidArgument(() -> storage().write(complete.toBuilder().clearTenantId().build()), "tenant_id");
        assertInvalidArgument(() -> storage().write(complete.toBuilder().clearKey().build()), "key");
        assertInvalidArgument(() -> storage().write(complete.toBuilder().clearVersion().build()), "version");
        assertThat(read("colour").getFound()).isFalse();
        assertThat(health().getKeyCount()).isZero();
    }

    @Test
    void rejectsAClockThatNamesACoordinatorTwice() {
        Version version = aValue("blue").clock("c1", 1).clock("c1", 2).build();

        assertInvalidArgument(() -> storage().write(WriteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                .setVersion(version).build()), "c1 appears twice");
    }

    // ---- tombstones ------------------------------------------------------------------------------

    @Test
    void readsADeletedKeyAsAFoundTombstone() {
        write("colour", aValue("blue").clock("c1", 1).at(100).build());
        storage().delete(DeleteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                .setToken(tokenOf("colour")).setVectorClock(clock("c1", 2)).setTimestampMs(200).build());

        ReadResponse read = read("colour");

        assertThat(read.getFound()).isTrue();
        assertThat(read.getVersion()).isEqualTo(aTombstone().clock("c1", 2).at(200).build());
    }

    @Test
    void reportsAKeyItNeverHeldAsNotFound() {
        ReadResponse read = read("never-written");

        assertThat(read.getFound()).isFalse();
        assertThat(read.hasVersion()).isFalse();
    }

    @Test
    void purgesATombstoneOnlyOnceItIsOlderThanTheGcGrace() {
        MutableClock clock = new MutableClock(START);
        node = startNode(s -> s.withClock(clock).withTombstoneGcGrace(GRACE));
        long now = START.toEpochMilli();
        write("deleted", aTombstone().clock("c1", 2).at(now).build());
        write("old-value", aValue("kept").clock("c1", 1).at(now - GRACE.toMillis() * 3).build());
        // a tombstone that a later value replaced is no tombstone any more
        write("revived", aTombstone().clock("c1", 1).at(now - GRACE.toMillis() * 3).build());
        write("revived", aValue("back").clock("c1", 2).at(now - GRACE.toMillis() * 2).build());

        clock.advance(GRACE);
        assertThat(node.purgeExpiredTombstones()).isZero();
        assertThat(read("deleted").getFound()).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(node.purgeExpiredTombstones()).isEqualTo(1);
        assertThat(read("deleted").getFound()).isFalse();
        assertThat(read("old-value").getFound()).isTrue();
        assertThat(read("revived").getVersion().getValue().toStringUtf8()).isEqualTo("back");
        assertThat(stream(request(0, 0))).extracting(Entry::getKey).containsExactlyInAnyOrder("old-value", "revived");
        assertThat(node.purgeExpiredTombstones()).as("nothing left to purge").isZero();

        // a purged key is simply absent: it can be written again
        write("deleted", aValue("again").clock("c1", 3).at(now).build());
        assertThat(read("deleted").getVersion().getValue().toStringUtf8()).isEqualTo("again");
    }

    @Test
    void sweepsExpiredTombstonesPeriodically() {
        MutableClock clock = new MutableClock(START);
        node = startNode(s -> s.withClock(clock).withTombstoneGcGrace(GRACE)
                .withTombstoneSweepInterval(Duration.ofMillis(20)));
        write("deleted", aTombstone().clock("c1", 2).at(START.toEpochMilli()).build());

        clock.advance(GRACE.plusMinutes(1));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(read("deleted").getFound()).isFalse());
    }

    // ---- range streaming -------------------------------------------------------------------------

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
    void ordersEntriesOfOneTokenByTenantThenKeyComparingTheirUtf8Bytes() {
        store("beta", "a", 7);
        store("acme", "b", 7);
        store("acme", "a", 7);
        store("acme", "ab", 7);
        // U+FFFD before U+1F600 by code point (UTF-8 bytes), though not by Java's UTF-16 order
        store("acme", "\uFFFD", 7);
        store("acme", "😀", 7);

        assertThat(stream(request(0, 10)).stream().map(e -> e.getTenantId() + "/" + e.getKey()))
                .containsExactly("acme/a", "acme/ab", "acme/b", "acme/\uFFFD", "acme/😀", "beta/a");
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
    void resumingBatchByBatchFromTheLastEntryReadsEveryEntryOnce() {
        storeMany(1_000);

        List<Entry> all = new ArrayList<>();
        // the whole ring, starting in the middle: it wraps
        StreamRangeRequest next = request(500, 500).toBuilder().setBatchSize(64).build();
        while (true) {
            List<StreamRangeResponse> responses = responses(next);
            if (responses.isEmpty()) {
                break;
            }
            List<Entry> batch = responses.getFirst().getEntriesList();
            all.addAll(batch);
            Entry last = batch.getLast();
            next = next.toBuilder().setAfter(StreamPosition.newBuilder().setToken(last.getToken())
                    .setTenantId(last.getTenantId()).setKey(last.getKey())).build();
        }

        assertThat(all).hasSize(1_000).doesNotHaveDuplicates();
        assertThat(all.getFirst().getToken()).isEqualTo(501);
        assertThat(all.getLast().getToken()).isEqualTo(500);
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
        Version version = aValue("blue").clock("c1", 2).clock("c2", 1).at(123).build();
        writeBatch(entry("acme", "colour", 42, version));

        assertThat(stream(request(0, 0))).containsExactly(entry("acme", "colour", 42, version));
    }

    @Test
    void streamsClocksTimestampsAndTombstonesButNoValuesWhenAskedWithoutValues() {
        Version value = aValue("blue").clock("c1", 2).clock("c2", 1).at(123).build();
        Version tombstone = aTombstone().clock("c1", 3).at(124).build();
        writeBatch(entry("acme", "colour", 42, value), entry("acme", "gone", 43, tombstone));

        List<Entry> streamed = stream(request(0, 0).toBuilder().setWithoutValues(true).build());

        assertThat(streamed).containsExactly(
                entry("acme", "colour", 42, value.toBuilder().clearValue().build()),
                entry("acme", "gone", 43, tombstone));
        assertThat(read("acme", "colour").getVersion().getValue().toStringUtf8()).isEqualTo("blue");
    }

    @Test
    void rejectsAResumePositionOutsideTheRange() {
        StreamRangeRequest outside = request(10, 20).toBuilder()
                .setAfter(StreamPosition.newBuilder().setToken(25).setTenantId("acme").setKey("k")).build();

        assertInvalidArgument(() -> stream(outside), "outside");
    }

    @Test
    void rejectsAStreamRequestWithoutARange() {
        assertInvalidArgument(() -> stream(StreamRangeRequest.getDefaultInstance()), "range");
    }

    // ---- batches, range deletes, digests ---------------------------------------------------------

    @Test
    void countsTheAppliedIgnoredAndMergedEntriesOfABatch() {
        writeBatch(
                entry("acme", "stale", 1, aValue("v2").clock("c1", 2).build()),
                entry("acme", "concurrent", 2, aValue("x").clock("c1", 1).build()));

        WriteBatchResponse response = storage().writeBatch(WriteBatchRequest.newBuilder()
                .addEntries(entry("acme", "stale", 1, aValue("v1").clock("c1", 1).build()))
                .addEntries(entry("acme", "concurrent", 2, aValue("y").clock("c2", 1).build()))
                .addEntries(entry("acme", "new-1", 3, aValue("n").clock("c1", 1).build()))
                .addEntries(entry("acme", "new-2", 4, aValue("n").clock("c1", 1).build()))
                .build());

        assertThat(response.getApplied()).isEqualTo(2);
        assertThat(response.getIgnored()).isEqualTo(1);
        assertThat(response.getMerged()).isEqualTo(1);
        assertThat(health().getKeyCount()).isEqualTo(4);
    }

    @Test
    void rejectsABatchWithAMalformedEntryWithoutApplyingAnyOfIt() {
        WriteBatchRequest request = WriteBatchRequest.newBuilder()
                .addEntries(entry("acme", "fine", 1, aValue("v").clock("c1", 1).build()))
                .addEntries(entry("acme", "", 2, aValue("v").clock("c1", 1).build()))
                .build();

        assertInvalidArgument(() -> storage().writeBatch(request), "entries[1].key");
        assertThat(read("acme", "fine").getFound()).isFalse();
    }

    @Test
    void deletesEveryEntryOfAWrappingRangeAndSaysHowMany() {
        writeBatch(
                entry("acme", "k5", 5, aValue("v").clock("c1", 1).build()),
                entry("acme", "k50", 50, aValue("v").clock("c1", 1).build()),
                entry("acme", "k500", 500, aTombstone().clock("c1", 1).build()),
                entry("acme", "top", MAX, aValue("v").clock("c1", 1).build()));

        long deleted = storage().deleteRange(DeleteRangeRequest.newBuilder().setRange(range(100, 10)).build())
                .getDeleted();

        assertThat(deleted).isEqualTo(3);
        assertThat(read("acme", "k50").getFound()).isTrue();
        assertThat(read("acme", "k5").getFound()).isFalse();
        assertThat(read("acme", "k500").getFound()).isFalse();
        assertThat(keys(stream(request(0, 0)))).containsExactly("k50");
        assertThat(health().getKeyCount()).isEqualTo(1);
    }

    @Test
    void deletesOnlyTheRequestedTenantsEntries() {
        writeBatch(
                entry("acme", "a", 5, aValue("v").clock("c1", 1).build()),
                entry("other", "b", 6, aValue("v").clock("c1", 1).build()));

        long deleted = storage().deleteRange(DeleteRangeRequest.newBuilder()
                .setRange(range(0, 0)).setTenantId("acme").build()).getDeleted();

        assertThat(deleted).isEqualTo(1);
        assertThat(read("other", "b").getFound()).isTrue();
        assertThat(read("acme", "a").getFound()).isFalse();
    }

    @Test
    void refusesToDeleteARangeThatWasNotGiven() {
        writeBatch(entry("acme", "a", 5, aValue("v").clock("c1", 1).build()));

        assertInvalidArgument(() -> storage().deleteRange(DeleteRangeRequest.getDefaultInstance()), "range");
        assertThat(read("acme", "a").getFound()).isTrue();
    }

    @Test
    void digestsTheSameDataTheSameWhateverOrderItArrivedInAsTheContractDefinesIt() {
        List<Entry> data = sampleData();
        List<Entry> reversed = new ArrayList<>(data);
        Collections.reverse(reversed);
        NodeUnderTest other = startNode(UnaryOperator.identity());

        reversed.forEach(entry -> writeBatch(other, entry));
        data.forEach(this::writeBatch);
        RangeDigestResponse here = digest(node(), 0, 0);
        RangeDigestResponse there = digest(other, 0, 0);

        assertThat(here.getDigest()).isEqualTo(there.getDigest())
                .isEqualTo(referenceDigest(data, 0, 0));
        assertThat(here.getKeyCount()).isEqualTo(there.getKeyCount()).isEqualTo(data.size());
    }

    @Test
    void digestsDifferentlyWhenOneClockDiffers() {
        List<Entry> data = sampleData();
        NodeUnderTest other = startNode(UnaryOperator.identity());
        data.forEach(this::writeBatch);
        data.forEach(entry -> writeBatch(other, entry));
        writeBatch(other, entry("acme", "k20", 20, aValue("v").clock("c1", 1).clock("c2", 1).build()));

        assertThat(digest(node(), 0, 0).getDigest()).isNotEqualTo(digest(other, 0, 0).getDigest());
        // Outside the changed key's token the replicas still agree.
        assertThat(digest(node(), 20, 0).getDigest()).isEqualTo(digest(other, 20, 0).getDigest());
    }

    @Test
    void digestsOnlyTheRequestedTenantAndRangeIncludingAWrappingOne() {
        sampleData().forEach(this::writeBatch);
        writeBatch(entry("acme", "top", MAX, aValue("v").clock("c1", 1).build()));

        RangeDigestResponse acmeOnly = storage().rangeDigest(RangeDigestRequest.newBuilder()
                .setRange(range(0, 0)).setTenantId("acme").build());
        RangeDigestResponse narrow = digest(node(), 10, 20);
        RangeDigestResponse wrapping = digest(node(), 25, 10);

        assertThat(acmeOnly.getKeyCount()).isEqualTo(4);
        assertThat(narrow.getKeyCount()).isEqualTo(2);
        assertThat(wrapping.getKeyCount()).isEqualTo(3);
        assertThat(wrapping.getDigest()).isEqualTo(referenceDigest(List.of(
                sampleData().get(3), entry("acme", "top", MAX, aValue("v").clock("c1", 1).build()), sampleData().get(0)),
                25, 10));
        assertThat(acmeOnly.getDigest().size()).isEqualTo(32);
    }

    @Test
    void digestsEachSubRangeOfAWrappingRangeAsRangeDigestDoesFromOneCall() {
        sampleData().forEach(this::writeBatch);
        writeBatch(entry("acme", "top", MAX, aValue("v").clock("c1", 1).build()));
        writeBatch(entry("acme", "k5", 5, aValue("v").clock("c1", 1).build()));

        // (25, 10] cut at MAX and 7: (25, MAX], (MAX, 7] (the wrap), (7, 10]; then (10, 20], (20, 25]
        List<RangeDigestResponse> wrapping = storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(25, 10)).addSplitAfter(MAX).addSplitAfter(7).build()).getDigestsList();
        List<RangeDigestResponse> inside = storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(10, 25)).addSplitAfter(20).build()).getDigestsList();

        assertThat(wrapping).extracting(RangeDigestResponse::getKeyCount).containsExactly(2L, 1L, 1L);
        assertThat(wrapping.get(0)).isEqualTo(digest(node(), 25, MAX));
        assertThat(wrapping.get(1)).isEqualTo(digest(node(), MAX, 7));
        assertThat(wrapping.get(2)).isEqualTo(digest(node(), 7, 10));
        assertThat(inside).containsExactly(digest(node(), 10, 20), digest(node(), 20, 25));
        assertThat(inside.get(0).getKeyCount()).isEqualTo(2);
        assertThat(inside.get(1).getKeyCount()).isZero();
    }

    @Test
    void digestsOnlyTheRequestedTenantInSubRangesAndTheWholeRangeWithoutSplits() {
        sampleData().forEach(this::writeBatch);

        List<RangeDigestResponse> acme = storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(0, 0)).setTenantId("acme").addSplitAfter(15).build()).getDigestsList();
        List<RangeDigestResponse> whole = storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(0, 0)).build()).getDigestsList();

        assertThat(acme).extracting(RangeDigestResponse::getKeyCount).containsExactly(1L, 2L);
        assertThat(whole).containsExactly(digest(node(), 0, 0));
    }

    @Test
    void refusesSplitsOutsideTheRangeOrOutOfOrderNamingTheSplit() {
        assertInvalidArgument(() -> storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(10, 20)).addSplitAfter(30).build()), "split_after[0]");
        assertInvalidArgument(() -> storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(10, 20)).addSplitAfter(20).build()), "split_after[0]");
        assertInvalidArgument(() -> storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(25, 10)).addSplitAfter(5).addSplitAfter(30).build()), "split_after[1]");
        assertInvalidArgument(() -> storage().rangeDigests(RangeDigestsRequest.newBuilder()
                .setRange(range(10, 20)).addSplitAfter(15).addSplitAfter(15).build()), "split_after[1]");
        assertInvalidArgument(() -> storage().rangeDigests(RangeDigestsRequest.getDefaultInstance()), "range");
    }

    // ---- health ----------------------------------------------------------------------------------

    @Test
    void reportsItsNodeIdKeyCountAndTombstoneGcGraceInHealth() {
        node = startNode(s -> s.withTombstoneGcGrace(Duration.ofHours(36)));
        write("colour", aValue("blue").clock("c1", 1).build());
        write("shape", aValue("round").clock("c1", 1).build());
        write("size", aTombstone().clock("c1", 1).build());

        HealthResponse health = health();

        assertThat(health.getNodeId()).isEqualTo("node-under-test");
        assertThat(health.getServing()).isTrue();
        assertThat(health.getKeyCount()).isEqualTo(3);
        assertThat(health.getTombstoneGcGraceMs()).isEqualTo(Duration.ofHours(36).toMillis());
        assertThat(health.getWritesRefused()).isEmpty();
        assertThat(health.getDataId()).as("names its data").isNotBlank().isEqualTo(health().getDataId());
    }

    @Test
    void servesTheStandardGrpcHealthService() {
        var health = HealthGrpc.newBlockingStub(node().channel()).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        HealthCheckRequest storageService =
                HealthCheckRequest.newBuilder().setService(StorageNodeServiceGrpc.SERVICE_NAME).build();

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(storageService).getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void listsItsServicesThroughReflection() throws Exception {
        assertThat(servicesListedByReflection(node().channel()))
                .contains("pairdb.storage.v1.StorageNodeService", "grpc.health.v1.Health");
    }

    /** The services a node names through gRPC server reflection (what grpcurl lists). */
    public static List<String> servicesListedByReflection(io.grpc.Channel channel) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        answer.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new AssertionError("no reflection response"));
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        try {
            return answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS).getListServicesResponse()
                    .getServiceList().stream().map(ServiceResponse::getName).toList();
        } finally {
            requests.onCompleted();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private StorageNodeServiceGrpc.StorageNodeServiceBlockingStub storage() {
        return storage(node());
    }

    private static StorageNodeServiceGrpc.StorageNodeServiceBlockingStub storage(NodeUnderTest on) {
        return StorageNodeServiceGrpc.newBlockingStub(on.channel()).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private StorageNodeServiceGrpc.StorageNodeServiceFutureStub storageAsync() {
        return StorageNodeServiceGrpc.newFutureStub(node().channel()).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private WriteResponse write(String tenantId, String key, long token, Version version) {
        return storage().write(WriteRequest.newBuilder()
                .setTenantId(tenantId).setKey(key).setToken(token).setVersion(version).build());
    }

    private WriteResponse write(String key, Version version) {
        return write(TENANT, key, tokenOf(key), version);
    }

    private ReadResponse read(String key) {
        return read(TENANT, key);
    }

    private ReadResponse read(String tenantId, String key) {
        return storage().read(ReadRequest.newBuilder().setTenantId(tenantId).setKey(key).build());
    }

    private HealthResponse health() {
        return storage().health(HealthRequest.getDefaultInstance());
    }

    private void writeBatch(Entry... entries) {
        writeBatch(node(), entries);
    }

    private static void writeBatch(NodeUnderTest on, Entry... entries) {
        storage(on).writeBatch(WriteBatchRequest.newBuilder().addAllEntries(List.of(entries)).build());
    }

    private void store(String tenantId, String key, long token) {
        writeBatch(entry(tenantId, key, token, aValue(key).clock("c1", 1).build()));
    }

    /** Tokens 1..count, written in descending order so the scan order is the node's doing. */
    private void storeMany(int count) {
        List<Entry> entries = new ArrayList<>();
        for (int token = count; token >= 1; token--) {
            entries.add(entry("acme", "k" + token, token, aValue("v").clock("c1", 1).build()));
        }
        writeBatch(entries.toArray(Entry[]::new));
    }

    private static StreamRangeRequest request(long startExclusive, long endInclusive) {
        return StreamRangeRequest.newBuilder().setRange(range(startExclusive, endInclusive)).build();
    }

    private List<StreamRangeResponse> responses(StreamRangeRequest request) {
        List<StreamRangeResponse> responses = new ArrayList<>();
        storage().streamRange(request).forEachRemaining(responses::add);
        return responses;
    }

    private List<Entry> stream(StreamRangeRequest request) {
        return responses(request).stream().flatMap(response -> response.getEntriesList().stream()).toList();
    }

    private static List<String> keys(List<Entry> entries) {
        return entries.stream().map(Entry::getKey).toList();
    }

    private static RangeDigestResponse digest(NodeUnderTest on, long startExclusive, long endInclusive) {
        return storage(on).rangeDigest(RangeDigestRequest.newBuilder()
                .setRange(range(startExclusive, endInclusive)).build());
    }

    private static void assertInvalidArgument(Runnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    private static List<Entry> sampleData() {
        return List.of(
                entry("acme", "k10", 10, aValue("v").clock("c1", 1).build()),
                entry("acme", "k20", 20, aValue("v").clock("c1", 1).build()),
                entry("other", "k20", 20, aValue("w").clock("c2", 3).build()),
                entry("acme", "k30", 30, aValue("v").clock("c1", 2).clock("c3", 1).build()));
    }

    /**
     * The digest as the proto defines it, computed here independently of any node: the entries of
     * the range in scan order, hashed field by field. Two implementations that both match it agree
     * with each other, so a cluster may mix them.
     */
    private static ByteString referenceDigest(List<Entry> entries, long startExclusive, long endInclusive) {
        boolean wraps = Long.compareUnsigned(startExclusive, endInclusive) >= 0;
        // scan order: above the start first (for a wrapping range), then from the bottom of the ring
        Comparator<Entry> scanOrder = Comparator
                .comparing((Entry e) -> wraps && Long.compareUnsigned(e.getToken(), startExclusive) <= 0)
                .thenComparing(Entry::getToken, Long::compareUnsigned)
                .thenComparing(e -> e.getTenantId().getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned)
                .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            entries.stream().sorted(scanOrder).forEach(e -> {
                sha256.update(ByteBuffer.allocate(8).putLong(e.getToken()).array());
                lengthPrefixed(sha256, e.getTenantId());
                lengthPrefixed(sha256, e.getKey());
                var clockEntries = e.getVersion().getVectorClock().getEntriesList().stream()
                        .sorted(Comparator.comparing(c -> c.getCoordinatorNodeId())).toList();
                sha256.update(ByteBuffer.allocate(4).putInt(clockEntries.size()).array());
                clockEntries.forEach(c -> {
                    lengthPrefixed(sha256, c.getCoordinatorNodeId());
                    sha256.update(ByteBuffer.allocate(8).putLong(c.getLogicalTimestamp()).array());
                });
            });
            return ByteString.copyFrom(sha256.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void lengthPrefixed(MessageDigest sha256, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(4).putInt(utf8.length).array());
        sha256.update(utf8);
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                result.add(order);
            }
        }
        return result;
    }
}
