package io.pairdb.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pairdb.core.version.Resolution;
import io.pairdb.core.version.Version;
import io.pairdb.core.version.VersionArbitraries;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A storage node keeps exactly the version the coordinator resolves from the same two versions,
 * in either order. If the two disagreed on any pair, a read would find the replicas "different"
 * and repair the key on every read, forever.
 */
class OneResolutionRuleTest {

    @Property(tries = 3000)
    void aNodeKeepsWhatTheCoordinatorResolves(@ForAll("pairs") List<Version> pair) {
        Version first = pair.get(0);
        Version second = pair.get(1);
        Version resolved = Resolution.resolve(first, second);

        assertThat(storedAfter(first, second)).as("%s then %s", first, second).isEqualTo(resolved);
        assertThat(storedAfter(second, first)).as("%s then %s", second, first).isEqualTo(resolved);
    }

    /** Pairs that often share a clock exactly, with different data: the case the two rules once disagreed on. */
    @Provide
    Arbitrary<List<Version>> pairs() {
        Arbitrary<List<Version>> independent = VersionArbitraries.versions().list().ofSize(2);
        Arbitrary<List<Version>> sameClock = Combinators.combine(VersionArbitraries.versions(),
                        VersionArbitraries.versions())
                .as((a, b) -> List.of(a, new Version(b.tombstone() ? null : b.value(), b.tombstone(), a.clock(),
                        b.timestampMs())));
        Arbitrary<List<Version>> related = VersionArbitraries.histories()
                .map(history -> List.of(history.getFirst(), history.getLast()));
        return Arbitraries.oneOf(independent, sameClock, related);
    }

    private static Version storedAfter(Version first, Version second) {
        InMemoryStore store = new InMemoryStore();
        store.apply(entry(first));
        store.apply(entry(second));
        return store.get("t", "k").map(StoredVersion::toVersion).orElseThrow();
    }

    private static StoredEntry entry(Version version) {
        return new StoredEntry("t", "k", 42L, StoredVersion.of(version));
    }
}
