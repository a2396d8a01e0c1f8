package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.version.ConditionalApply.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The storage nodes' conditional apply: what a node keeps, and what it reports having done. */
class ConditionalApplyPropertiesTest {

    @Provide
    Arbitrary<Version> versions() {
        return VersionArbitraries.versions();
    }

    /**
     * Histories issued as coordinators issue versions: each counter greater than any its issuer
     * gave before, each timestamp greater than those of the versions it extends.
     */
    @Provide
    Arbitrary<List<Version>> issuedHistories() {
        return VersionArbitraries.steps().list().ofMinSize(1).ofMaxSize(8).map(steps -> {
            List<Version> all = new ArrayList<>();
            Map<String, Long> lastIssued = new HashMap<>();
            for (VersionArbitraries.Step s : steps) {
                VectorClock base = VectorClock.EMPTY;
                long timestamp = s.timestampMs();
                if (!all.isEmpty()) {
                    Version parent = all.get(s.parent() % all.size());
                    base = parent.clock();
                    timestamp = Math.max(timestamp, parent.timestampMs() + 1);
                    if (s.mergeFirst()) {
                        Version other = all.get(s.other() % all.size());
                        base = base.merge(other.clock());
                        timestamp = Math.max(timestamp, other.timestampMs() + 1);
                    }
                }
                long counter = Math.max(lastIssued.getOrDefault(s.id(), 0L), base.get(s.id())) + 1;
                lastIssued.put(s.id(), counter);
                VectorClock clock = base.with(s.id(), counter);
                all.add(s.tombstone() ? Version.tombstone(clock, timestamp) : Version.of(s.value(), clock, timestamp));
            }
            return List.copyOf(all);
        });
    }

    @Property
    void aNodeThatHoldsNothingTakesTheIncomingVersion(@ForAll("versions") Version incoming) {
        assertThat(ConditionalApply.apply(Optional.empty(), incoming))
                .isEqualTo(new ConditionalApply.Result(Outcome.APPLIED, incoming));
    }

    @Property
    void aNodeKeepsTheResolutionOfWhatItHeldAndWhatItWasOffered(@ForAll("versions") Version stored,
                                                                 @ForAll("versions") Version incoming) {
        ConditionalApply.Result result = ConditionalApply.apply(Optional.of(stored), incoming);

        assertThat(result.current()).isEqualTo(Resolution.resolve(stored, incoming));
        Outcome expected = result.current().equals(stored) ? Outcome.IGNORED
                : result.current().equals(incoming) ? Outcome.APPLIED : Outcome.MERGED;
        assertThat(result.outcome()).isEqualTo(expected);
    }

    /**
     * Replicas that took the same versions in different orders end with the same clock, the merge of
     * them all; where their data then differs, the next read resolves the equal clocks by the
     * resolution order (as {@code aNodeKeepsTheResolution...} shows the node does too) and repairs.
     */
    @Property
    void replicasThatTookTheSameVersionsInAnyOrderHoldTheSameClock(@ForAll("issuedHistories") List<Version> history) {
        Version forwards = applyAll(history);
        Version backwards = applyAll(history.reversed());

        assertThat(forwards.clock()).isEqualTo(backwards.clock()).isEqualTo(Resolution.resolve(history).orElseThrow().clock());
        Version readBack = Resolution.resolve(List.of(forwards, backwards)).orElseThrow();
        assertThat(ConditionalApply.apply(Optional.of(forwards), readBack).current()).isEqualTo(readBack);
        assertThat(ConditionalApply.apply(Optional.of(backwards), readBack).current()).isEqualTo(readBack);
    }

    /**
     * Seed 1310 of the simulation, reduced. One coordinator issues, within one millisecond, a put built
     * on a quorum read and a delete built on an older causal context, which did not see the put. The
     * delete's clock covers the put's counter, though not the put's other entries; a replica that holds
     * an earlier tombstone merges the delete into it and then ignores the put as dominated. Another
     * replica that meets the put and the delete alone must end with the same version.
     */
    @Example
    void aVersionIssuedAfterAnotherItDidNotSeeWinsOverItInEveryOrder() {
        ManualClock wall = new ManualClock(1_800_000_009_812L);
        ClockIssuer c1 = new ClockIssuer("coord-1", wall, 10);
        Version earlierDelete = Version.tombstone(VectorClock.of(Map.of("coord-1", 1_800_000_009_339_000_001L,
                "coord-2", 1_800_000_007_655_000_001L, "coord-3", 1_800_000_006_738_000_001L)), 1_800_000_009_339L);
        Version put = issue(c1, earlierDelete.clock(), earlierDelete.timestampMs(), "v170");
        VectorClock olderContext = VectorClock.of(Map.of("coord-1", 1_800_000_004_131_000_001L,
                "coord-2", 1_800_000_003_052_000_001L));
        Version delete = issue(c1, olderContext, 0, null);

        Version metAlone = applyAll(List.of(put, delete));
        Version metAfterTheEarlierDelete = applyAll(List.of(earlierDelete, delete, put));

        assertThat(delete.clock().get("coord-1")).isGreaterThan(put.clock().get("coord-1"));
        assertThat(metAfterTheEarlierDelete).isEqualTo(metAlone);
        assertThat(applyAll(List.of(delete, earlierDelete, put))).isEqualTo(metAlone);
        assertThat(applyAll(List.of(put, earlierDelete, delete))).isEqualTo(metAlone);
    }

    /**
     * A write: what {@code issuer} issues over the base clock and timestamp (0 for a causal context), a
     * tombstone when {@code value} is null.
     */
    private static Version issue(ClockIssuer issuer, VectorClock base, long baseTimestampMs, String value) {
        var issued = (ClockIssuer.Issue.Issued) issuer.next(base, baseTimestampMs);
        return value == null ? Version.tombstone(issued.clock(), issued.timestampMs())
                : Version.of(value.getBytes(StandardCharsets.UTF_8), issued.clock(), issued.timestampMs());
    }

    /** One write of a generated history: through which coordinator, after how long, built on what. */
    record Write(int coordinator, int advanceMicros, int base, int parent, int other, String value) {
    }

    /**
     * Writes as coordinators issue them, through the real {@link ClockIssuer}: three coordinators
     * whose wall clocks differ by up to a few milliseconds, writes often within one millisecond,
     * each built on nothing, on a quorum read (the resolution of one or two earlier versions) or on
     * a causal context (an earlier version's clock, its timestamp unknown).
     */
    @Provide
    Arbitrary<List<Write>> writes() {
        Arbitrary<Write> write = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1500), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 1000),
                Arbitraries.of("a", "b", "z").injectNull(0.3)).as(Write::new);
        return write.list().ofMinSize(2).ofMaxSize(10);
    }

    @Property
    void replicasThatTookTheSameIssuedVersionsInAnyOrderHoldTheSameVersion(
            @ForAll("writes") List<Write> writes, @ForAll("skews") List<Integer> skews, @ForAll Random random) {
        long start = 1_800_000_000_000L;
        List<ManualClock> walls = skews.stream().map(skew -> new ManualClock(start + skew)).toList();
        List<ClockIssuer> issuers = List.of(new ClockIssuer("coord-1", walls.get(0), 10),
                new ClockIssuer("coord-2", walls.get(1), 10), new ClockIssuer("coord-3", walls.get(2), 10));
        List<Version> issued = new ArrayList<>();
        long micros = 0;
        for (Write w : writes) {
            micros += w.advanceMicros();
            for (int i = 0; i < walls.size(); i++) {
                walls.get(i).set(start + skews.get(i) + micros / 1000);
            }
            ClockIssuer issuer = issuers.get(w.coordinator());
            if (issued.isEmpty() || w.base() == 0) {
                issued.add(issue(issuer, VectorClock.EMPTY, 0, w.value()));
                continue;
            }
            Version parent = issued.get(w.parent() % issued.size());
            Version read = w.base() == 2 ? Resolution.resolve(parent, issued.get(w.other() % issued.size())) : parent;
            issued.add(w.base() == 3 ? issue(issuer, parent.clock(), 0, w.value())
                    : issue(issuer, read.clock(), read.timestampMs(), w.value()));
        }

        Version expected = applyAll(issued);
        assertThat(expected).as("one replica took them in the order issued").isEqualTo(Resolution.resolve(issued).orElseThrow());
        List<Version> shuffled = new ArrayList<>(issued);
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(shuffled, random);
            assertThat(applyAll(shuffled)).as("took %s", shuffled).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<List<Integer>> skews() {
        return Arbitraries.integers().between(0, 3).list().ofSize(3);
    }

    private static Version applyAll(List<Version> versions) {
        Optional<Version> held = Optional.empty();
        for (Version v : versions) {
            held = Optional.of(ConditionalApply.apply(held, v).current());
        }
        return held.orElseThrow();
    }
}
