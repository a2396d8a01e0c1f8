package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "Two writes through one coordinator never get equal clocks, also across restarts" (DESIGN.md §5). */
class ClockIssuerTest {
    private static final String ME = "coord-1";

    private final ManualClock clock = new ManualClock();

    /** The clock issued over {@code base}; the issuer holds its id in these tests. */
    static VectorClock issue(ClockIssuer issuer, VectorClock base) {
        ClockIssuer.Issue issue = issuer.next(base);
        assertThat(issue).isInstanceOf(ClockIssuer.Issue.Issued.class);
        return ((ClockIssuer.Issue.Issued) issue).clock();
    }

    @Test
    void successiveClocksStrictlyDominateEachOther() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 10);

        VectorClock previous = issue(issuer, VectorClock.EMPTY);
        for (int i = 0; i < 1000; i++) {
            VectorClock chained = issue(issuer, previous);
            assertThat(chained.compare(previous)).isEqualTo(Causality.AFTER);
            VectorClock fresh = issue(issuer, VectorClock.EMPTY);
            assertThat(fresh.compare(chained)).as("an unrelated write still gets a greater entry").isEqualTo(Causality.AFTER);
            previous = fresh;
        }
    }

    @Test
    void theNewClockDominatesItsBase() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 10);
        VectorClock base = VectorClock.of(Map.of("coord-2", 7L, "coord-3", 2L));

        VectorClock next = issue(issuer, base);

        assertThat(next.compare(base)).isEqualTo(Causality.AFTER);
        assertThat(next.get("coord-2")).isEqualTo(7);
        assertThat(next.get("coord-3")).isEqualTo(2);
    }

    @Test
    void aRestartedIssuerDominatesEverythingItIssuedBefore() {
        ClockIssuer beforeRestart = new ClockIssuer(ME, clock, 10);
        List<VectorClock> issued = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            issued.add(issue(beforeRestart, VectorClock.EMPTY));
        }

        clock.advance(Duration.ofMillis(1));
        ClockIssuer afterRestart = new ClockIssuer(ME, clock, 10);
        VectorClock first = issue(afterRestart, VectorClock.EMPTY);

        List<VectorClock> notDominated = issued.stream().filter(old -> first.compare(old) != Causality.AFTER).toList();
        assertThat(notDominated).as("clocks issued before the restart that %s does not dominate", first).isEmpty();
    }

    @Test
    void theIssuedEntryExceedsABaseFromTheFuture() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 10);
        long farAhead = Long.MAX_VALUE / 2; // far above any wall-clock-based counter
        VectorClock base = VectorClock.of(ME, farAhead);

        VectorClock next = issue(issuer, base);
        VectorClock after = issue(issuer, VectorClock.EMPTY);

        assertThat(next.get(ME)).isGreaterThan(farAhead);
        assertThat(next.compare(base)).isEqualTo(Causality.AFTER);
        assertThat(after.get(ME)).as("later clocks stay above the highest seen").isGreaterThan(next.get(ME));
    }

    /**
     * Another coordinator's clock may run ahead of this one's. The new entry still exceeds its counter,
     * so the new version also wins the resolution order against every version its clock covers.
     */
    @Test
    void theIssuedEntryExceedsEveryEntryOfTheBaseAndTheTimestampIsItsMillisecond() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 10);
        long aheadMillis = clock.nowMillis() + 700;
        VectorClock base = VectorClock.of(Map.of(ME, 5L, "coord-2", aheadMillis * ClockIssuer.COUNTERS_PER_MILLISECOND + 3));

        var next = (ClockIssuer.Issue.Issued) issuer.next(base, clock.nowMillis() - 10);

        assertThat(next.clock().get(ME)).isGreaterThan(base.get("coord-2"));
        assertThat(next.timestampMs()).isEqualTo(aheadMillis);
        assertThat(Resolution.WINNER_ORDER.compare(Version.tombstone(next.clock(), next.timestampMs()),
                Version.of(new byte[] {(byte) 0xff}, base, aheadMillis))).isPositive();
    }

    @Test
    void theTimestampIsNeverBeforeTheBasesOrTheWallClocks() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 10);
        long later = clock.nowMillis() + 60_000;

        var overALaterBase = (ClockIssuer.Issue.Issued) issuer.next(VectorClock.of("coord-2", 1), later);
        var overNothing = (ClockIssuer.Issue.Issued) new ClockIssuer(ME, clock, 10).next(VectorClock.EMPTY);

        assertThat(overALaterBase.timestampMs()).isEqualTo(later);
        assertThat(overALaterBase.clock().get(ME)).isGreaterThan(later * ClockIssuer.COUNTERS_PER_MILLISECOND);
        assertThat(overNothing.timestampMs()).isEqualTo(clock.nowMillis());
    }

    @Test
    void issuedClocksAreBoundedAndKeepTheIssuersEntry() {
        ClockIssuer issuer = new ClockIssuer(ME, clock, 3);
        VectorClock base = VectorClock.of(Map.of("a", 5L, "b", 4L, "c", 3L, "d", 2L));

        VectorClock next = issue(issuer, base);

        assertThat(next.size()).isEqualTo(3);
        assertThat(next.entries()).containsKeys(ME, "a", "b");
    }

    @Test
    void aBlankCoordinatorIdOrNoRoomForEntriesIsRefused() {
        assertThatThrownBy(() -> new ClockIssuer(" ", clock, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClockIssuer(ME, clock, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
