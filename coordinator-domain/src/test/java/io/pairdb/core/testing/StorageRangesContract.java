package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.port.StorageRanges.BatchApplied;
import io.pairdb.core.port.StorageRanges.Entry;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link StorageRanges} does against a node; each implementation's test extends this. */
public abstract class StorageRangesContract {
    /** The implementation, and an empty node it reaches. */
    protected abstract StorageRanges ranges();

    protected abstract StorageNode emptyNode();

    /** From now on every scan of the node fails. */
    protected abstract void failScans(StorageNode node);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final TenantId A = new TenantId("tenant-a");
    private static final TenantId B = new TenantId("tenant-b");
    private static final Comparator<Entry> SCAN_ORDER = Comparator.comparing(Entry::token)
            .thenComparing(e -> e.tenant().value()).thenComparing(Entry::key);

    private StorageRanges ranges;
    private StorageNode node;

    @BeforeEach
    public void freshNode() {
        ranges = ranges();
        node = emptyNode();
    }

    private static Entry entry(TenantId tenant, String key, long token, long counter) {
        return new Entry(tenant, key, new Token(token),
                Version.of(("v" + counter).getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-1", counter), counter));
    }

    private List<Entry> drain(StorageRanges.Scan scan) {
        List<Entry> all = new ArrayList<>();
        try (scan) {
            for (Optional<List<Entry>> batch = scan.next(TIMEOUT); batch.isPresent(); batch = scan.next(TIMEOUT)) {
                all.addAll(batch.get());
            }
        }
        return all;
    }

    private List<Entry> stored(int count) throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // tokens spread over the whole unsigned range, past 2^63 included
            long token = Long.MIN_VALUE + (long) i * (Long.MAX_VALUE / count) * 2 + 7;
            entries.add(entry(i % 3 == 0 ? B : A, "key-" + i, token, i + 1));
        }
        ranges.writeBatch(node, entries, TIMEOUT).get();
        return entries.stream().sorted(SCAN_ORDER).toList();
    }

    @Test
    public void aNodeNamesItsDataTheSameWhileItKeepsItAndEveryNodeNamesItsOwn() throws Exception {
        Optional<String> before = ranges.dataId(node, TIMEOUT).get();
        stored(5);

        assertThat(before).isPresent();
        assertThat(ranges.dataId(node, TIMEOUT).get()).as("writes keep the data id").isEqualTo(before);
        assertThat(ranges.dataId(emptyNode(), TIMEOUT).get()).as("another node's data").isPresent().isNotEqualTo(before);
    }

    @Test
    public void aScanYieldsTheWholeRangeInScanOrderBatchByBatch() throws Exception {
        List<Entry> expected = stored(40);
        TokenRange wholeRing = new TokenRange(Token.MIN, Token.MIN);
        List<List<Entry>> batches = new ArrayList<>();
        try (StorageRanges.Scan scan = ranges.scan(node, wholeRing, Optional.empty(), Optional.empty(), 7)) {
            for (Optional<List<Entry>> b = scan.next(TIMEOUT); b.isPresent(); b = scan.next(TIMEOUT)) {
                batches.add(b.get());
            }
        }
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(7));
        // (0, 0] starts above 0: a scan of the whole ring yields everything, the bottom-most tokens included
        List<Entry> all = batches.stream().flatMap(List::stream).sorted(SCAN_ORDER).toList();
        assertThat(all).containsExactlyElementsOf(expected);
    }

    @Test
    public void aClockScanYieldsOneTenantsClocksTimestampsAndTombstonesWithoutValues() throws Exception {
        List<Entry> expected = stored(30).stream().filter(e -> e.tenant().equals(A)).toList();
        Entry deleted = new Entry(A, "deleted", new Token(77), Version.tombstone(VectorClock.of("coord-2", 4), 99));
        ranges.writeBatch(node, List.of(deleted), TIMEOUT).get();

        List<Entry> clocks = drain(ranges.scanClocks(node, new TokenRange(Token.MIN, Token.MIN), A, 4));

        assertThat(clocks).hasSize(expected.size() + 1).contains(deleted);
        assertThat(clocks).allSatisfy(e -> assertThat(e.version().valueSize()).isZero());
        assertThat(clocks.stream().filter(e -> !e.key().equals("deleted"))
                .map(e -> e.key() + "@" + e.version().clock() + "/" + e.version().timestampMs()).toList())
                .containsExactlyElementsOf(expected.stream()
                        .map(e -> e.key() + "@" + e.version().clock() + "/" + e.version().timestampMs()).toList());
    }

    @Test
    public void aScanResumesStrictlyAfterAPosition() throws Exception {
        List<Entry> expected = stored(30);
        TokenRange range = new TokenRange(Token.MIN, Token.MAX);
        KeyPosition after = expected.get(11).position();
        List<Entry> rest = drain(ranges.scan(node, range, Optional.empty(), Optional.of(after), 5));
        assertThat(rest).containsExactlyElementsOf(expected.subList(12, expected.size()));
    }

    @Test
    public void aScanOfOneTenantYieldsOnlyItsEntries() throws Exception {
        List<Entry> expected = stored(30);
        List<Entry> onlyB = drain(ranges.scan(node, new TokenRange(Token.MIN, Token.MAX), Optional.of(B), Optional.empty(),
                100));
        assertThat(onlyB).containsExactlyElementsOf(expected.stream().filter(e -> e.tenant().equals(B)).toList());
    }

    @Test
    public void aWrappingRangeYieldsTheTopOfTheRingFirstThenTheBottom() throws Exception {
        Entry low = entry(A, "low", 5, 1);
        Entry mid = entry(A, "mid", 1000, 2);
        Entry high = entry(A, "high", -10L, 3);
        Entry edge = entry(A, "edge", 50, 4);
        ranges.writeBatch(node, List.of(low, mid, high, edge), TIMEOUT).get();
        TokenRange wrapping = new TokenRange(Token.parseUnsigned("9223372036854775808"), new Token(50));
        assertThat(drain(ranges.scan(node, wrapping, Optional.empty(), Optional.empty(), 10)))
                .containsExactly(high, low, edge);
        assertThat(drain(ranges.scan(node, wrapping, Optional.empty(), Optional.of(high.position()), 10)))
                .containsExactly(low, edge);
    }

    @Test
    public void aBatchWriteAppliesEachEntryConditionally() throws Exception {
        Entry v1 = entry(A, "k", 42, 1);
        Entry v2 = entry(A, "k", 42, 2);
        assertThat(ranges.writeBatch(node, List.of(v1), TIMEOUT).get()).isEqualTo(new BatchApplied(1, 0, 0));
        assertThat(ranges.writeBatch(node, List.of(v2), TIMEOUT).get()).isEqualTo(new BatchApplied(1, 0, 0));
        assertThat(ranges.writeBatch(node, List.of(v1, v2), TIMEOUT).get()).as("replays change nothing")
                .isEqualTo(new BatchApplied(0, 2, 0));
        Entry concurrent = new Entry(A, "k", new Token(42),
                Version.of("other".getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-2", 1), 99));
        assertThat(ranges.writeBatch(node, List.of(concurrent), TIMEOUT).get()).isEqualTo(new BatchApplied(0, 0, 1));
        List<Entry> held = drain(ranges.scan(node, new TokenRange(new Token(41), new Token(42)), Optional.empty(),
                Optional.empty(), 10));
        assertThat(held).singleElement().satisfies(e -> {
            assertThat(e.version().clock().entries()).containsEntry("coord-1", 2L).containsEntry("coord-2", 1L);
            assertThat(new String(e.version().value(), StandardCharsets.UTF_8)).isEqualTo("other");
        });
    }

    @Test
    public void anEmptyRangeEndsAtOnce() {
        assertThat(drain(ranges.scan(node, new TokenRange(new Token(1), new Token(2)), Optional.empty(), Optional.empty(),
                10))).isEmpty();
    }

    @Test
    public void aScanTheNodeFailsThrowsANamedFailure() throws Exception {
        stored(5);
        failScans(node);
        StorageRanges.Scan scan = ranges.scan(node, new TokenRange(Token.MIN, Token.MAX), Optional.empty(),
                Optional.empty(), 10);
        assertThatThrownBy(() -> scan.next(TIMEOUT)).isInstanceOf(PairDbException.class)
                .hasMessageContaining(node.id().value());
        scan.close();
    }

    @Test
    public void nodesHoldingTheSameKeysUnderTheSameClocksAgreeOnTheDigestOfARangeForATenant() throws Exception {
        StorageNode other = emptyNode();
        List<Entry> entries = stored(30);
        ranges.writeBatch(other, entries.reversed(), TIMEOUT).get();
        TokenRange range = new TokenRange(Token.MIN, Token.MAX);

        StorageRanges.Digest mine = ranges.digest(node, range, A, TIMEOUT).get();
        assertThat(ranges.digest(other, range, A, TIMEOUT).get()).isEqualTo(mine);
        assertThat(mine.keys()).isEqualTo(entries.stream().filter(e -> e.tenant().equals(A)).count());
        assertThat(ranges.digest(node, range, B, TIMEOUT).get()).isNotEqualTo(mine);

        Entry first = entries.stream().filter(e -> e.tenant().equals(A)).findFirst().orElseThrow();
        ranges.writeBatch(other, List.of(entry(A, first.key(), first.token().value(), 1000)), TIMEOUT).get();
        assertThat(ranges.digest(other, range, A, TIMEOUT).get()).as("a newer clock of one key")
                .isNotEqualTo(mine).extracting(StorageRanges.Digest::keys).isEqualTo(mine.keys());
        assertThat(ranges.digest(node, new TokenRange(new Token(1), new Token(2)), A, TIMEOUT).get().keys()).isZero();
    }

    @Test
    public void digestsOfSubRangesEqualTheDigestOfEachSubRangeIncludingAcrossTheWrap() throws Exception {
        Entry low = entry(A, "low", 100, 1);
        Entry middle = entry(A, "middle", 5000, 2);
        Entry high = entry(A, "high", -10L, 3);
        ranges.writeBatch(node, List.of(low, middle, high, entry(B, "elsewhere", 101, 4)), TIMEOUT).get();
        // (1000, 200] wraps: cut after -5 and after 150 it is (1000, -5], (-5, 150], (150, 200]
        TokenRange wrapping = new TokenRange(new Token(1000), new Token(200));
        List<Token> splits = List.of(new Token(-5L), new Token(150));

        List<StorageRanges.Digest> digests = ranges.digests(node, wrapping, A, splits, TIMEOUT).get();

        assertThat(digests).containsExactly(
                ranges.digest(node, new TokenRange(new Token(1000), new Token(-5L)), A, TIMEOUT).get(),
                ranges.digest(node, new TokenRange(new Token(-5L), new Token(150)), A, TIMEOUT).get(),
                ranges.digest(node, new TokenRange(new Token(150), new Token(200)), A, TIMEOUT).get());
        assertThat(digests).extracting(StorageRanges.Digest::keys).containsExactly(2L, 1L, 0L);
        assertThat(ranges.digests(node, wrapping, A, List.of(), TIMEOUT).get())
                .containsExactly(ranges.digest(node, wrapping, A, TIMEOUT).get());
    }

    @Test
    public void aRangeDeleteRemovesOnlyTheTenantsEntriesInTheRange() throws Exception {
        Entry inside = entry(A, "inside", 100, 1);
        Entry otherTenant = entry(B, "other-tenant", 150, 2);
        Entry outside = entry(A, "outside", 5000, 3);
        Entry wrapped = entry(A, "wrapped", -10L, 4);
        ranges.writeBatch(node, List.of(inside, otherTenant, outside, wrapped), TIMEOUT).get();

        assertThat(ranges.deleteRange(node, new TokenRange(new Token(-100L), new Token(200)), A, TIMEOUT).get())
                .isEqualTo(2);
        assertThat(drain(ranges.scan(node, new TokenRange(Token.MIN, Token.MIN), Optional.empty(), Optional.empty(), 10)))
                .containsExactlyInAnyOrder(otherTenant, outside);
        assertThat(ranges.deleteRange(node, new TokenRange(new Token(-100L), new Token(200)), A, TIMEOUT).get())
                .as("a repeat").isZero();
    }
}
