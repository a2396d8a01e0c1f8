package io.pairdb.core.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators for clocks and versions. The alphabets are deliberately small (four ids,
 * counters 0–5, a handful of timestamps and values) so that dominance, concurrency, equal
 * clocks and tiebreak collisions all happen often.
 */
public final class VersionArbitraries {
    static final List<String> IDS = List.of("c1", "c2", "c3", "c4");

    private VersionArbitraries() {
    }

    static Arbitrary<VectorClock> clocks() {
        return clocksOver(IDS, 5);
    }

    static Arbitrary<VectorClock> clocksOver(List<String> ids, int maxCounter) {
        return Arbitraries.integers().between(0, maxCounter).list().ofSize(ids.size()).map(counters -> {
            Map<String, Long> entries = new TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                entries.put(ids.get(i), (long) counters.get(i));
            }
            return VectorClock.of(entries);
        });
    }

    static Arbitrary<String> ids() {
        return Arbitraries.of(IDS);
    }

    /** Values with bytes on both sides of 0x80, so a signed comparison would order them wrongly. */
    static Arbitrary<byte[]> values() {
        return Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7f, (byte) 0x80, (byte) 0xff)
                .array(byte[].class).ofMaxSize(2);
    }

    static Arbitrary<Long> timestamps() {
        return Arbitraries.longs().between(100, 103);
    }

    static Arbitrary<Version> versionsWith(Arbitrary<VectorClock> clocks) {
        return Combinators.combine(values(), Arbitraries.integers().between(0, 4), clocks, timestamps())
                .as((value, oneInFive, clock, ts) -> oneInFive == 0
                        ? Version.tombstone(clock, ts)
                        : Version.of(value, clock, ts));
    }

    /** Versions with independent random clocks. */
    public static Arbitrary<Version> versions() {
        return versionsWith(clocks());
    }

    /** One step of a history: a new version derived from earlier ones. */
    record Step(int parent, int other, boolean mergeFirst, String id, byte[] value, boolean tombstone, long timestampMs) {
    }

    static Arbitrary<Step> steps() {
        return Combinators.combine(
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.of(true, false),
                ids(),
                values(),
                Arbitraries.integers().between(0, 4).map(n -> n == 0),
                timestamps()
        ).as(Step::new);
    }

    /**
     * Versions that share ancestry, so dominance really occurs: each one extends an earlier
     * version (or the merge of two) by incrementing one coordinator's entry, the way writes
     * through coordinators do. Every version in the list is kept, ancestors included.
     */
    public static Arbitrary<List<Version>> histories() {
        Arbitrary<List<Version>> roots = versionsWith(clocksOver(IDS, 1)).list().ofMinSize(1).ofMaxSize(2);
        return Combinators.combine(roots, steps().list().ofMaxSize(8)).as((start, steps) -> {
            List<Version> all = new ArrayList<>(start);
            for (Step s : steps) {
                VectorClock base = all.get(s.parent() % all.size()).clock();
                if (s.mergeFirst()) {
                    base = base.merge(all.get(s.other() % all.size()).clock());
                }
                VectorClock clock = base.with(s.id(), base.get(s.id()) + 1);
                all.add(s.tombstone() ? Version.tombstone(clock, s.timestampMs())
                        : Version.of(s.value(), clock, s.timestampMs()));
            }
            return List.copyOf(all);
        });
    }
}
