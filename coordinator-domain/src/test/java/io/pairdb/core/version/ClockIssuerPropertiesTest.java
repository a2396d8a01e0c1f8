package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.testing.ManualClock;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** An issued clock is never dominated by, or equal to, the clock it follows: storage nodes would ignore it. */
class ClockIssuerPropertiesTest {
    private static final String ME = "coord-1";

    @Provide
    Arbitrary<VectorClock> bases() {
        // coord-1 is the issuer: a base may or may not hold its entry
        Arbitrary<String> ids = Arbitraries.integers().between(1, 1000).map(i -> "coord-" + i);
        Arbitrary<Long> counters = Arbitraries.longs().between(1, Long.MAX_VALUE - 1);
        return Arbitraries.maps(ids, counters).ofMaxSize(30).map(VectorClock::of);
    }

    @Property
    void anIssuedClockIsNeverAtOrBelowItsBase(@ForAll("bases") VectorClock base,
                                             @ForAll @IntRange(min = CoordinatorSettings.MIN_CLOCK_ENTRIES, max = 32) int maxEntries) {
        ClockIssuer issuer = new ClockIssuer(ME, new ManualClock(), maxEntries);

        VectorClock issued = ClockIssuerTest.issue(issuer, base);

        assertThat(issued.compare(base)).as("%s issued over %s with at most %d entries", issued, base, maxEntries)
                .isIn(Causality.AFTER, Causality.CONCURRENT);
        assertThat(issued.size()).isLessThanOrEqualTo(maxEntries);
    }

    @Property(tries = 200)
    void theSmallestAcceptedBoundStillLeavesRoomForTheIssuersEntry(@ForAll("bases") VectorClock base) {
        ClockIssuer issuer = new ClockIssuer(ME, new ManualClock(), CoordinatorSettings.MIN_CLOCK_ENTRIES);

        VectorClock issued = ClockIssuerTest.issue(issuer, base);

        assertThat(issued.entries()).containsOnlyKeys(ME);
        assertThat(issued.get(ME)).isGreaterThan(base.get(ME));
    }

    @Example
    void theConfigurationRefusesABoundWithoutRoomForTheIssuersEntry() {
        var d = CoordinatorSettings.defaults();
        assertThatThrownBy(() -> new CoordinatorSettings(d.writeTimeout(), d.readTimeout(), d.idempotencyTtl(),
                d.maxValueBytes(), d.defaultConsistency(), d.repairAsync(), d.maxRepairsInFlight(),
                CoordinatorSettings.MIN_CLOCK_ENTRIES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Property(tries = 200)
    void aBaseThatStillHasRoomIsDominated(@ForAll("bases") VectorClock base) {
        ClockIssuer issuer = new ClockIssuer(ME, new ManualClock(), 32);

        VectorClock issued = ClockIssuerTest.issue(issuer, base);

        assertThat(issued.compare(base)).isEqualTo(Causality.AFTER);
        assertThat(issued.entries()).containsAllEntriesOf(Map.copyOf(base.with(ME, issued.get(ME)).entries()));
    }
}
