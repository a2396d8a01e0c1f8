package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import org.junit.jupiter.api.Test;

class ChangeConflictsTest {
    private static TokenRange range(long start, long end) {
        return new TokenRange(new Token(start), new Token(end));
    }

    @Test
    public void rangesOverlapWhenTheyShareAToken() {
        assertThat(ChangeConflicts.overlap(range(10, 20), range(19, 30))).isTrue();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(20, 30))).as("(10,20] and (20,30] share nothing").isFalse();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(0, 10))).isFalse();
        assertThat(ChangeConflicts.overlap(range(10, 20), range(12, 13))).isTrue();
    }

    @Test
    public void wrappingRangesAndTheWholeRingOverlapAsTheyShould() {
        TokenRange wrapping = range(-100L, 50); // (2^64-100, 50]
        assertThat(ChangeConflicts.overlap(wrapping, range(40, 60))).isTrue();
        assertThat(ChangeConflicts.overlap(wrapping, range(50, 60))).isFalse();
        assertThat(ChangeConflicts.overlap(wrapping, range(-200L, -150L))).isFalse();
        assertThat(ChangeConflicts.overlap(wrapping, range(-200L, -99L))).isTrue();
        assertThat(ChangeConflicts.overlap(range(7, 7), range(100, 101))).as("start == end is the whole ring").isTrue();
        assertThat(ChangeConflicts.overlap(range(-1L, 5), range(0, 1))).isTrue();
    }
}
