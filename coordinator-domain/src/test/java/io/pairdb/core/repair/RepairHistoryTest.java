package io.pairdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairHistoryTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final Instant CREATED = Instant.parse("2026-03-01T00:00:00Z");

    private static Instant day(int n) {
        return CREATED.plus(Duration.ofDays(n));
    }

    private static TokenRange range(long start, long end) {
        return new TokenRange(new Token(start), new Token(end));
    }

    private static RangeRepairedAsOf repaired(long start, long end, Instant at) {
        return new RangeRepairedAsOf(ACME, range(start, end), at);
    }

    /** A ring of four ranges, the last wrapping past the top of the token space. */
    private static final List<TokenRange> RING = List.of(range(0, 100), range(100, 200), range(200, -1000),
            range(-1000, 0));

    @Test
    void eachRangeOfTheRingIsRepairedAsOfItsOwnEntryAndTheRingAsOfTheOldest() {
        RepairHistory history = new RepairHistory(List.of(repaired(0, 100, day(3)), repaired(100, 200, day(5)),
                repaired(200, -1000, day(4)), repaired(-1000, 0, day(6))), RING, CREATED);

        assertThat(RING).extracting(history::repairedAsOf).containsExactly(day(3), day(5), day(4), day(6));
        assertThat(history.oldest()).isEqualTo(day(3));
    }

    @Test
    void aRangeSplitOrMergedSinceKeepsTheAgeOfWhatItIsMadeOf() {
        List<RangeRepairedAsOf> recorded = List.of(repaired(0, 100, day(3)), repaired(100, 200, day(5)),
                repaired(200, -1000, day(4)), repaired(-1000, 0, day(6)));
        // a node joined with tokens 50 and -2000: two ranges split; another left at 100: two merged
        List<TokenRange> today = List.of(range(0, 50), range(50, 200), range(200, -2000), range(-2000, -1000),
                range(-1000, 0));

        RepairHistory history = new RepairHistory(recorded, today, CREATED);

        assertThat(today).extracting(history::repairedAsOf).containsExactly(day(3), day(3), day(4), day(4), day(6));
    }

    @Test
    void theLatestEntryCoveringATokenCountsWhicheverRingItWasRecordedIn() {
        // the whole ring on day 2 (a one-node ring's range), then half of one range on day 8
        List<RangeRepairedAsOf> recorded = List.of(repaired(7, 7, day(2)), repaired(0, 50, day(8)),
                repaired(50, 100, day(1)));

        RepairHistory history = new RepairHistory(recorded, RING, CREATED);

        assertThat(history.repairedAsOf(range(0, 100))).as("its other half, by the whole ring").isEqualTo(day(2));
        assertThat(history.repairedAsOf(range(-1000, 0))).isEqualTo(day(2));
        assertThat(history.oldest()).isEqualTo(day(2));
    }

    @Test
    void aTokenNoRepairCoveredAndEntriesFromBeforeTheTenantCountFromItsCreation() {
        RepairHistory partial = new RepairHistory(List.of(repaired(0, 100, day(3)), repaired(100, 200, day(3))), RING,
                CREATED);
        assertThat(partial.repairedAsOf(range(200, -1000))).isEqualTo(CREATED);
        assertThat(partial.repairedAsOf(range(100, 200))).isEqualTo(day(3));
        assertThat(partial.oldest()).isEqualTo(CREATED);

        RepairHistory ofAnEarlierTenant = new RepairHistory(List.of(repaired(5, 5, CREATED.minusSeconds(1))), RING,
                CREATED);
        assertThat(ofAnEarlierTenant.oldest()).isEqualTo(CREATED);
        assertThat(RepairHistory.of(List.of(), CREATED).oldest()).as("never repaired").isEqualTo(CREATED);
    }

    @Test
    void theEndsOfTheTokenSpaceAndAOneRangeRingAreRangesLikeAnyOther() {
        List<TokenRange> edges = List.of(range(0, 1), range(1, -1), range(-1, 0));
        RepairHistory history = new RepairHistory(List.of(repaired(-1, 0, day(2)), repaired(0, -1, day(4))), edges,
                CREATED);
        assertThat(edges).extracting(history::repairedAsOf).containsExactly(day(4), day(4), day(2));

        List<TokenRange> oneNode = List.of(range(-5, -5));
        RepairHistory whole = new RepairHistory(List.of(repaired(0, 100, day(3)), repaired(100, 0, day(1))), oneNode,
                CREATED);
        assertThat(whole.repairedAsOf(range(-5, -5))).isEqualTo(day(1));
    }

    @Test
    void theRangesSupersededAreThoseNoTokenTakesItsTimeFrom() {
        RangeRepairedAsOf oldRing = repaired(0, 200, day(2));
        RangeRepairedAsOf halfCovered = repaired(200, -1000, day(3));
        RangeRepairedAsOf beforeTheTenant = repaired(-1000, 0, CREATED);
        List<RangeRepairedAsOf> today = List.of(repaired(0, 100, day(5)), repaired(100, 200, day(5)),
                repaired(200, 500, day(6)));
        List<RangeRepairedAsOf> recorded = new java.util.ArrayList<>(today);
        recorded.addAll(List.of(oldRing, halfCovered, beforeTheTenant));

        List<RangeRepairedAsOf> superseded = RepairHistory.superseded(recorded, CREATED);

        assertThat(superseded).containsExactlyInAnyOrder(oldRing, beforeTheTenant);
        List<RangeRepairedAsOf> kept = recorded.stream().filter(r -> !superseded.contains(r)).toList();
        RepairHistory all = new RepairHistory(recorded, RING, CREATED);
        RepairHistory pruned = new RepairHistory(kept, RING, CREATED);
        assertThat(RING).as("every answer as before").extracting(pruned::repairedAsOf)
                .containsExactlyElementsOf(RING.stream().map(all::repairedAsOf).toList());
    }

    @Test
    void ofRangesAsLateAsEachOtherOneKeepsEachTokenWhateverOrderTheyAreReadIn() {
        RangeRepairedAsOf whole = repaired(0, 200, day(4));
        RangeRepairedAsOf low = repaired(0, 100, day(4));
        RangeRepairedAsOf high = repaired(100, 200, day(4));
        List<RangeRepairedAsOf> recorded = List.of(low, whole, high);

        List<RangeRepairedAsOf> superseded = RepairHistory.superseded(recorded, CREATED);

        assertThat(superseded).hasSize(1);
        assertThat(RepairHistory.superseded(List.of(high, whole, low), CREATED)).isEqualTo(superseded);
        List<RangeRepairedAsOf> kept = recorded.stream().filter(r -> !superseded.contains(r)).toList();
        RepairHistory pruned = new RepairHistory(kept, RING, CREATED);
        assertThat(pruned.repairedAsOf(range(0, 100))).isEqualTo(day(4));
        assertThat(pruned.repairedAsOf(range(100, 200))).isEqualTo(day(4));
        assertThat(RepairHistory.superseded(List.of(), CREATED)).isEmpty();
    }

    @Test
    void onlyTheRangesNamedCanBeAskedAbout() {
        RepairHistory history = new RepairHistory(List.of(repaired(0, 100, day(3))), RING, CREATED);

        assertThatThrownBy(() -> history.repairedAsOf(range(0, 42))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("42");
    }
}
