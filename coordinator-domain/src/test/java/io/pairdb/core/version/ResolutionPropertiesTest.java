package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Conflict resolution (DESIGN.md §5) against a model written from the spec: drop dominated
 * versions, pick the greatest (timestamp, greatest counter, data) among the rest, carry the merge of their clocks.
 */
class ResolutionPropertiesTest {

    @Provide
    Arbitrary<Version> versions() {
        return VersionArbitraries.versions();
    }

    @Provide
    Arbitrary<List<Version>> versionLists() {
        return VersionArbitraries.versions().list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Version>> histories() {
        return VersionArbitraries.histories();
    }

    @Provide
    Arbitrary<VersionArbitraries.Step> steps() {
        return VersionArbitraries.steps();
    }

    // ---- the model ------------------------------------------------------------------------

    private static boolean dominates(VectorClock a, VectorClock b) {
        TreeSet<String> ids = new TreeSet<>(a.entries().keySet());
        ids.addAll(b.entries().keySet());
        boolean strictly = false;
        for (String id : ids) {
            if (a.get(id) < b.get(id)) {
                return false;
            }
            strictly |= a.get(id) > b.get(id);
        }
        return strictly;
    }

    private static int compareUnsignedBytes(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int byByte = Integer.compare(a[i] & 0xff, b[i] & 0xff);
            if (byByte != 0) {
                return byByte;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static long greatestCounter(Version v) {
        return v.clock().entries().values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Greatest timestamp, then greatest counter, then a value over a tombstone, then greater value bytes (unsigned). */
    private static final Comparator<Version> MODEL_ORDER = Comparator.comparingLong(Version::timestampMs)
            .thenComparingLong(ResolutionPropertiesTest::greatestCounter)
            .thenComparing((Version v) -> !v.tombstone())
            .thenComparing(Version::value, ResolutionPropertiesTest::compareUnsignedBytes);

    private static Optional<Version> model(List<Version> versions) {
        List<Version> maximal = versions.stream()
                .filter(v -> versions.stream().noneMatch(o -> dominates(o.clock(), v.clock())))
                .toList();
        if (maximal.isEmpty()) {
            return Optional.empty();
        }
        Version winner = maximal.stream().max(MODEL_ORDER).orElseThrow();
        VectorClock merged = maximal.stream().map(Version::clock).reduce(VectorClock.EMPTY, VectorClock::merge);
        return Optional.of(new Version(winner.value(), winner.tombstone(), merged, winner.timestampMs()));
    }

    // ---- properties ---------------------------------------------------------------------

    @Property
    void resolveAgreesWithTheModel(@ForAll("versionLists") List<Version> versions) {
        assertThat(Resolution.resolve(versions)).isEqualTo(model(versions));
    }

    @Property
    void resolveAgreesWithTheModelOnHistories(@ForAll("histories") List<Version> versions) {
        assertThat(Resolution.resolve(versions)).isEqualTo(model(versions));
    }

    @Property
    void theOrderVersionsArriveInDoesNotMatter(@ForAll("versionLists") List<Version> versions, @ForAll Random random) {
        assertSameForEveryShuffle(versions, random);
    }

    @Property
    void theOrderVersionsArriveInDoesNotMatterOnHistories(@ForAll("histories") List<Version> versions,
                                                          @ForAll Random random) {
        assertSameForEveryShuffle(versions, random);
    }

    private static void assertSameForEveryShuffle(List<Version> versions, Random random) {
        Optional<Version> expected = Resolution.resolve(versions);
        List<Version> shuffled = new ArrayList<>(versions);
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(shuffled, random);
            assertThat(Resolution.resolve(shuffled)).as("resolved from %s", shuffled).isEqualTo(expected);
        }
        assertThat(Resolution.resolve(shuffled.reversed())).isEqualTo(expected);
        assertThat(Resolution.hasConflict(shuffled)).isEqualTo(Resolution.hasConflict(versions));
    }

    @Property
    void resolvingAPairIsSymmetric(@ForAll("versions") Version a, @ForAll("versions") Version b) {
        assertThat(Resolution.resolve(a, b)).isEqualTo(Resolution.resolve(b, a));
    }

    @Property
    void aVersionResolvedWithItselfIsUnchanged(@ForAll("versions") Version v) {
        assertThat(Resolution.resolve(List.of(v, v))).contains(v);
        assertThat(Resolution.resolve(List.of(v))).contains(v);
        assertThat(Resolution.hasConflict(List.of(v, v))).isFalse();
    }

    @Property
    void aDominatingVersionWinsUnchanged(@ForAll("versions") Version older, @ForAll("steps") VersionArbitraries.Step s) {
        VectorClock clock = older.clock().with(s.id(), older.clock().get(s.id()) + 1);
        // data and timestamp are arbitrary: causality decides, not the tiebreak
        Version newer = s.tombstone() ? Version.tombstone(clock, s.timestampMs())
                : Version.of(s.value(), clock, s.timestampMs());

        assertThat(Resolution.resolve(older, newer)).isEqualTo(newer);
        assertThat(Resolution.resolve(newer, older)).isEqualTo(newer);
        assertThat(Resolution.hasConflict(List.of(older, newer))).isFalse();
    }

    @Property
    void theResolvedClockCoversEveryInput(@ForAll("histories") List<Version> versions) {
        Version resolved = Resolution.resolve(versions).orElseThrow();
        assertThat(versions).allSatisfy(v -> assertThat(resolved.clock().covers(v.clock()))
                .as("%s covers %s", resolved.clock(), v.clock()).isTrue());
    }

    @Property
    void concurrentVersionsResolveToTheirTiebreakWinnerWithTheMergedClock(@ForAll("versions") Version a,
                                                                           @ForAll("versions") Version b) {
        if (a.clock().compare(b.clock()) != Causality.CONCURRENT) {
            return;
        }
        Version resolved = Resolution.resolve(a, b);
        Version winner = MODEL_ORDER.compare(a, b) >= 0 ? a : b;

        assertThat(resolved.clock()).isEqualTo(a.clock().merge(b.clock()));
        assertThat(resolved.clock().compare(a.clock())).isEqualTo(Causality.AFTER);
        assertThat(resolved.clock().compare(b.clock())).isEqualTo(Causality.AFTER);
        assertThat(resolved.withClock(winner.clock())).isEqualTo(winner);
        assertThat(Resolution.hasConflict(List.of(a, b))).isTrue();
    }

    // ---- the tiebreak, spelled out ----------------------------------------------------

    private static final VectorClock LEFT = VectorClock.of("c1", 1);
    private static final VectorClock RIGHT = VectorClock.of("c2", 1);
    private static final VectorClock BOTH = VectorClock.of(Map.of("c1", 1L, "c2", 1L));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Example
    void theGreatestTimestampWinsAmongConcurrentVersions() {
        Version earlier = Version.of(bytes("zzz"), LEFT, 100);
        Version later = Version.of(bytes("aaa"), RIGHT, 101);

        assertThat(Resolution.resolve(earlier, later)).isEqualTo(Version.of(bytes("aaa"), BOTH, 101));
    }

    @Example
    void onATimestampTieTheGreaterUnsignedBytesWin() {
        Version high = Version.of(new byte[] {(byte) 0x80}, LEFT, 100);
        Version low = Version.of(new byte[] {0x7f}, RIGHT, 100);

        assertThat(Resolution.resolve(low, high)).isEqualTo(Version.of(new byte[] {(byte) 0x80}, BOTH, 100));
        assertThat(Resolution.resolve(Version.of(bytes("ab"), LEFT, 100), Version.of(bytes("a"), RIGHT, 100)))
                .isEqualTo(Version.of(bytes("ab"), BOTH, 100));
    }

    @Example
    void aTombstoneLosesATieToAValue() {
        Version deleted = Version.tombstone(LEFT, 100);
        Version empty = Version.of(new byte[0], RIGHT, 100);

        assertThat(Resolution.resolve(deleted, empty)).isEqualTo(Version.of(new byte[0], BOTH, 100));
        assertThat(Resolution.resolve(Version.tombstone(LEFT, 101), empty)).isEqualTo(Version.tombstone(BOTH, 101));
    }

    @Example
    void nothingResolvesToNothing() {
        assertThat(Resolution.resolve(List.of())).isEmpty();
        assertThat(Resolution.hasConflict(List.of())).isFalse();
    }
}
