package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class VectorClockPropertiesTest {
    private static final List<String> WIDE_IDS = IntStream.rangeClosed(1, 8).mapToObj(i -> "c" + i).toList();

    @Provide
    Arbitrary<VectorClock> clocks() {
        return VersionArbitraries.clocks();
    }

    @Provide
    Arbitrary<VectorClock> wideClocks() {
        return VersionArbitraries.clocksOver(WIDE_IDS, 5);
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.of("c1", "c2", "c3", "c4", "c5");
    }

    // ---- compare ------------------------------------------------------------------------

    @Property
    void compareAgreesWithTheEntryWiseDefinition(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
        boolean someGreater = false;
        boolean someLess = false;
        for (String id : VersionArbitraries.IDS) {
            someGreater |= a.get(id) > b.get(id);
            someLess |= a.get(id) < b.get(id);
        }
        Causality expected = someGreater && someLess ? Causality.CONCURRENT
                : someGreater ? Causality.AFTER
                : someLess ? Causality.BEFORE
                : Causality.EQUAL;
        assertThat(a.compare(b)).isEqualTo(expected);
    }

    @Property
    void compareIsAntisymmetric(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
        Causality ab = a.compare(b);
        Causality ba = b.compare(a);
        assertThat(ab == Causality.AFTER).isEqualTo(ba == Causality.BEFORE);
        assertThat(ab == Causality.BEFORE).isEqualTo(ba == Causality.AFTER);
        assertThat(ab == Causality.CONCURRENT).isEqualTo(ba == Causality.CONCURRENT);
        assertThat(ab == Causality.EQUAL).isEqualTo(a.equals(b)).isEqualTo(ba == Causality.EQUAL);
    }

    @Property
    void equalClocksHaveEqualHashCodes(@ForAll("clocks") VectorClock a, @ForAll("ids") String id) {
        // the same clock made again, with an explicit zero entry where it has none: equal, however it was made
        Map<String, Long> entries = new TreeMap<>(a.entries());
        entries.putIfAbsent(id, 0L);
        VectorClock b = VectorClock.of(entries);

        assertThat(a.compare(b)).isEqualTo(Causality.EQUAL);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.toString()).isEqualTo(b.toString());
    }

    @Property
    void dominanceIsTransitive(@ForAll("clocks") VectorClock c, @ForAll("clocks") VectorClock x,
                               @ForAll("clocks") VectorClock y, @ForAll("ids") String first,
                               @ForAll("ids") String second, @ForAll @IntRange(min = 1, max = 3) int by) {
        // chains built to dominate, as writes make them (merge what was seen, then advance one entry),
        // so that every try asserts rather than the few where three random clocks happen to be ordered
        VectorClock b = advance(c.merge(x), first, by);
        VectorClock a = advance(b.merge(y), second, by);

        assertThat(b.compare(c)).isEqualTo(Causality.AFTER);
        assertThat(a.compare(b)).isEqualTo(Causality.AFTER);
        assertThat(a.compare(c)).isEqualTo(Causality.AFTER);
        assertThat(c.compare(a)).isEqualTo(Causality.BEFORE);
    }

    private static VectorClock advance(VectorClock clock, String id, int by) {
        return clock.with(id, clock.get(id) + by);
    }

    @Example
    void aMissingEntryCountsAsZero() {
        assertThat(VectorClock.of("c1", 0)).isEqualTo(VectorClock.EMPTY);
        assertThat(VectorClock.of(Map.of("c1", 3L, "c2", 0L)).compare(VectorClock.of("c1", 3))).isEqualTo(Causality.EQUAL);
        assertThat(VectorClock.of("c1", 1).compare(VectorClock.EMPTY)).isEqualTo(Causality.AFTER);
        assertThat(VectorClock.of("c1", 1).compare(VectorClock.of("c2", 1))).isEqualTo(Causality.CONCURRENT);
    }

    @Example
    void negativeCountersAndBlankIdsAreRefused() {
        assertThatThrownBy(() -> VectorClock.of("c1", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VectorClock.of(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- merge --------------------------------------------------------------------------

    @Property
    void mergeIsCommutative(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
    }

    @Property
    void mergeIsAssociative(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b,
                            @ForAll("clocks") VectorClock c) {
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
    }

    @Property
    void mergeIsIdempotent(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
        assertThat(a.merge(a)).isEqualTo(a);
        assertThat(a.merge(b).merge(b)).isEqualTo(a.merge(b));
    }

    @Property
    void mergeIsTheLeastClockCoveringBoth(@ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b,
                                          @ForAll("clocks") VectorClock c) {
        VectorClock merged = a.merge(b);
        assertThat(merged.covers(a)).isTrue();
        assertThat(merged.covers(b)).isTrue();
        if (c.covers(a) && c.covers(b)) {
            assertThat(c.covers(merged)).isTrue();
        }
    }

    @Property
    void incrementingAnEntryDominatesTheOriginal(@ForAll("clocks") VectorClock a, @ForAll("ids") String id) {
        VectorClock next = a.with(id, a.get(id) + 1);
        assertThat(next.compare(a)).isEqualTo(Causality.AFTER);
        assertThat(a.compare(next)).isEqualTo(Causality.BEFORE);
    }

    // ---- prune --------------------------------------------------------------------------

    @Property
    void pruneKeepsAtMostTheLimit(@ForAll("wideClocks") VectorClock a, @ForAll @IntRange(min = 1, max = 9) int limit) {
        VectorClock pruned = a.prune(limit);
        assertThat(pruned.size()).isEqualTo(Math.min(limit, a.size()));
        assertThat(a.covers(pruned)).as("pruning only drops entries").isTrue();
        pruned.entries().forEach((id, counter) -> assertThat(a.get(id)).isEqualTo(counter));
    }

    @Property
    void pruneKeepsTheLargestCounters(@ForAll("wideClocks") VectorClock a, @ForAll @IntRange(min = 1, max = 9) int limit) {
        List<Long> expected = a.entries().values().stream().sorted(Comparator.reverseOrder())
                .limit(limit).toList();
        List<Long> kept = a.prune(limit).entries().values().stream().sorted(Comparator.reverseOrder()).toList();
        assertThat(kept).isEqualTo(expected);
    }

    @Property
    void pruneDependsOnlyOnTheClock(@ForAll("wideClocks") VectorClock a, @ForAll @IntRange(min = 1, max = 9) int limit,
                                    @ForAll Random random) {
        List<Map.Entry<String, Long>> shuffled = new ArrayList<>(a.entries().entrySet());
        Collections.shuffle(shuffled, random);
        Map<String, Long> rebuilt = new TreeMap<>();
        shuffled.forEach(e -> rebuilt.put(e.getKey(), e.getValue()));

        assertThat(VectorClock.of(rebuilt).prune(limit)).isEqualTo(a.prune(limit)).isEqualTo(a.prune(limit).prune(limit));
    }

    @Example
    void pruneDropsTheGreatestIdAmongEqualSmallestCounters() {
        VectorClock clock = VectorClock.of(Map.of("c1", 5L, "c2", 1L, "c3", 1L));
        assertThat(clock.prune(2)).isEqualTo(VectorClock.of(Map.of("c1", 5L, "c2", 1L)));
    }
}
