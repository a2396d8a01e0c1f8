package io.pairdb.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorClockTest {

    private static VectorClock clock(Map<String, Long> entries) {
        return VectorClock.of(entries);
    }

    @Test
    void ordersClocksByTheirEntriesCountingMissingOnesAsZero() {
        VectorClock earlier = clock(Map.of("c1", 1L));
        VectorClock later = clock(Map.of("c1", 1L, "c2", 1L));

        assertThat(earlier.compareTo(later)).isEqualTo(Causality.BEFORE);
        assertThat(later.compareTo(earlier)).isEqualTo(Causality.AFTER);
        assertThat(later.compareTo(clock(Map.of("c2", 1L, "c1", 1L)))).isEqualTo(Causality.IDENTICAL);
    }

    @Test
    void seesClocksThatEachHaveAGreaterEntryAsConcurrent() {
        VectorClock a = clock(Map.of("c1", 2L, "c2", 1L));
        VectorClock b = clock(Map.of("c1", 1L, "c2", 2L));

        assertThat(a.compareTo(b)).isEqualTo(Causality.CONCURRENT);
        assertThat(b.compareTo(a)).isEqualTo(Causality.CONCURRENT);
    }

    @Test
    void treatsAZeroEntryAsAMissingOne() {
        assertThat(clock(Map.of("c1", 1L, "c2", 0L))).isEqualTo(clock(Map.of("c1", 1L)));
        assertThat(VectorClock.EMPTY.compareTo(clock(Map.of("c1", 0L)))).isEqualTo(Causality.IDENTICAL);
    }

    @Test
    void mergesToTheEntryWiseMaximum() {
        VectorClock merged = clock(Map.of("c1", 2L, "c2", 1L)).merge(clock(Map.of("c1", 1L, "c3", 4L)));

        assertThat(merged).isEqualTo(clock(Map.of("c1", 2L, "c2", 1L, "c3", 4L)));
    }
}
