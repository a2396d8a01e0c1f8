package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link HintStore} does; each implementation's test extends this. */
public abstract class HintStoreContract {
    /** A store holding no hints. */
    protected abstract HintStore emptyStore();

    private HintStore store;
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private final NodeId n1 = new NodeId("n1");
    private final NodeId n2 = new NodeId("n2");

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    private Hint hint(NodeId target, String key, Version version, Instant createdAt) {
        return Hint.forWrite(target, new TenantId("acme"), key, Token.forKey("acme", key), version, createdAt);
    }

    private static Version value(String v, long counter) {
        return Version.of(v.getBytes(StandardCharsets.UTF_8), VectorClock.of("c1", counter), 1_700_000_000_000L + counter);
    }

    @Test
    public void keepsTheWholeVersionOfAHint() {
        Version tombstone = Version.tombstone(VectorClock.of("c2", 9), 1_700_000_000_999L);
        store.store(hint(n1, "a", value("hello", 1), now));
        store.store(hint(n1, "b", tombstone, now.plusMillis(1)));
        var pending = store.pending(n1, 10);
        assertThat(pending).hasSize(2);
        assertThat(pending.get(0).version()).isEqualTo(value("hello", 1));
        assertThat(pending.get(0).key()).isEqualTo("a");
        assertThat(pending.get(0).token()).isEqualTo(Token.forKey("acme", "a"));
        assertThat(pending.get(0).tenant()).isEqualTo(new TenantId("acme"));
        assertThat(pending.get(0).createdAt()).isEqualTo(now);
        assertThat(pending.get(1).version()).isEqualTo(tombstone);
        assertThat(pending).allSatisfy(h -> assertThat(h.id()).isPositive());
    }

    @Test
    public void returnsHintsOldestFirstAndOnlyForTheTarget() {
        store.store(hint(n1, "first", value("1", 1), now));
        store.store(hint(n2, "other", value("x", 1), now));
        store.store(hint(n1, "second", value("2", 2), now.plusSeconds(1)));
        store.store(hint(n1, "third", value("3", 3), now.plusSeconds(2)));
        assertThat(store.pending(n1, 2)).extracting(Hint::key).containsExactly("first", "second");
        assertThat(store.count(n1)).isEqualTo(3);
        assertThat(store.count(n2)).isEqualTo(1);
    }

    @Test
    public void deletedHintsAreGoneAndDeletingTwiceIsHarmless() {
        store.store(hint(n1, "a", value("1", 1), now));
        long id = store.pending(n1, 1).getFirst().id();
        store.delete(id);
        store.delete(id);
        assertThat(store.pending(n1, 10)).isEmpty();
        assertThat(store.count(n1)).isZero();
    }
}
