package io.pairdb.core.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.version.ConditionalApply.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
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

    private static Version applyAll(List<Version> versions) {
        Optional<Version> held = Optional.empty();
        for (Version v : versions) {
            held = Optional.of(ConditionalApply.apply(held, v).current());
        }
        return held.orElseThrow();
    }
}
