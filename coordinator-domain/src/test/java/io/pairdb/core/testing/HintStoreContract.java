package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    private static final Duration LONG_LEASE = Duration.ofMinutes(5);

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
    public void keepsAKeyOfAnyCharacters() {
        // a key may hold U+0000 and any other Unicode: its hint must reach the replica all the same
        for (String key : List.of("a\u0000b", "\u0000", "back\\slash", "\\u0000", "ключ🔑")) {
            store.store(hint(n1, key, value("v", 1), now));
        }
        assertThat(store.claim(n1, 10, "r", LONG_LEASE)).extracting(Hint::key)
                .containsExactly("a\u0000b", "\u0000", "back\\slash", "\\u0000", "ключ🔑");
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

    private List<Long> storeHints(NodeId target, int count) {
        for (int i = 0; i < count; i++) {
            store.store(hint(target, "k" + i, value("v" + i, i + 1), now.plusMillis(i)));
        }
        return store.pending(target, count).stream().map(Hint::id).toList();
    }

    private static List<Long> ids(List<Hint> hints) {
        return hints.stream().map(Hint::id).toList();
    }

    // ---- claims --------------------------------------------------------------------------

    @Test
    public void claimsHintsOldestFirstAndOnlyForTheTarget() {
        store.store(hint(n1, "first", value("1", 1), now));
        store.store(hint(n2, "other", value("x", 1), now));
        store.store(hint(n1, "second", value("2", 2), now.plusSeconds(1)));
        store.store(hint(n1, "third", value("3", 3), now.plusSeconds(2)));

        List<Hint> claimed = store.claim(n1, 2, "c1", LONG_LEASE);

        assertThat(claimed).extracting(Hint::key).containsExactly("first", "second");
        assertThat(claimed.getFirst().version()).isEqualTo(value("1", 1));
        assertThat(store.claim(n1, 10, "c1", LONG_LEASE)).extracting(Hint::key).containsExactly("third");
    }

    @Test
    public void aClaimedHintIsNotHandedToASecondReplayerWhileTheClaimLasts() {
        List<Long> all = storeHints(n1, 5);

        List<Hint> first = store.claim(n1, 3, "c1", LONG_LEASE);
        List<Hint> second = store.claim(n1, 10, "c2", LONG_LEASE);

        assertThat(ids(first)).containsExactlyElementsOf(all.subList(0, 3));
        assertThat(ids(second)).containsExactlyElementsOf(all.subList(3, 5));
        assertThat(store.claim(n1, 10, "c1", LONG_LEASE)).isEmpty();
        assertThat(store.count(n1)).as("claimed hints still wait").isEqualTo(5);
        assertThat(store.pending(n1, 10)).hasSize(5);
    }

    @Test
    public void twoReplayersClaimingAtOnceGetDisjointHints() throws Exception {
        List<Long> all = storeHints(n1, 300);
        CountDownLatch go = new CountDownLatch(1);
        Callable<List<Long>> replayer = () -> {
            String owner = "c-" + Thread.currentThread().threadId();
            go.await();
            List<Long> got = new ArrayList<>();
            for (List<Hint> batch = store.claim(n1, 7, owner, LONG_LEASE); !batch.isEmpty();
                 batch = store.claim(n1, 7, owner, LONG_LEASE)) {
                got.addAll(ids(batch));
            }
            return got;
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> a = threads.submit(replayer);
            Future<List<Long>> b = threads.submit(replayer);
            go.countDown();
            List<Long> gotA = a.get(60, TimeUnit.SECONDS);
            List<Long> gotB = b.get(60, TimeUnit.SECONDS);

            Set<Long> overlap = new HashSet<>(gotA);
            overlap.retainAll(gotB);
            assertThat(overlap).as("hints claimed by both replayers").isEmpty();
            List<Long> union = new ArrayList<>(gotA);
            union.addAll(gotB);
            assertThat(union).as("every hint claimed exactly once").hasSize(all.size())
                    .containsExactlyInAnyOrderElementsOf(all);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    public void anExpiredClaimCanBeClaimedAgain() {
        List<Long> all = storeHints(n1, 2);
        assertThat(ids(store.claim(n1, 10, "c1", Duration.ofMillis(200)))).containsExactlyElementsOf(all);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(ids(store.claim(n1, 10, "c2", LONG_LEASE))).containsExactlyElementsOf(all));
    }

    // ---- attempts --------------------------------------------------------------------------

    @Test
    public void aFailedDeliveryCountsAnAttemptAndReleasesTheClaim() {
        long id = storeHints(n1, 1).getFirst();
        store.claim(n1, 10, "c1", LONG_LEASE);

        assertThat(store.recordFailure(List.of(id), "c1")).singleElement()
                .satisfies(h -> assertThat(h.attempts()).isEqualTo(1));

        Hint again = store.claim(n1, 10, "c2", LONG_LEASE).getFirst();
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempts()).isEqualTo(1);
        assertThat(store.recordFailure(List.of(id), "c2")).singleElement()
                .satisfies(h -> assertThat(h.attempts()).isEqualTo(2));
    }

    @Test
    public void onlyTheReplayerHoldingAClaimCanRecordAFailureOfIt() {
        long id = storeHints(n1, 1).getFirst();
        store.claim(n1, 10, "c1", LONG_LEASE);

        assertThat(store.recordFailure(List.of(id), "c2")).isEmpty();
        assertThat(store.claim(n1, 10, "c2", LONG_LEASE)).as("still held by c1").isEmpty();
        assertThat(store.pending(n1, 1).getFirst().attempts()).isZero();
    }

    @Test
    public void aReleasedClaimCanBeTakenAgainAtOnceWithNoAttemptCounted() {
        List<Long> ids = storeHints(n1, 2);
        store.claim(n1, 10, "c1", LONG_LEASE);

        store.release(ids, "c2");
        assertThat(store.claim(n1, 10, "c2", LONG_LEASE)).as("only its holder releases a claim").isEmpty();
        store.release(ids, "c1");
        store.release(ids, "c1");

        assertThat(store.claim(n1, 10, "c2", LONG_LEASE)).hasSize(2).allSatisfy(h -> assertThat(h.attempts()).isZero());
    }

    @Test
    public void recordingAFailureOfADeletedHintChangesNothing() {
        List<Long> both = storeHints(n1, 2);
        store.claim(n1, 10, "c1", LONG_LEASE);
        store.delete(both.getFirst());

        assertThat(store.recordFailure(both, "c1")).extracting(Hint::id).containsExactly(both.get(1));
        assertThat(store.count(n1)).isEqualTo(1);
    }

    @Test
    public void deletingABatchRemovesThoseHintsOnly() {
        List<Long> all = storeHints(n1, 4);
        store.delete(List.of(all.get(0), all.get(2), 999_999L));
        store.delete(List.of(all.get(0)));

        assertThat(ids(store.pending(n1, 10))).containsExactly(all.get(1), all.get(3));
    }

    // ---- expiry and stats ---------------------------------------------------------------------

    @Test
    public void expiresHintsCreatedBeforeTheCutoffClaimedOrNot() {
        store.store(hint(n1, "old-1", value("1", 1), now.minus(Duration.ofDays(8))));
        store.store(hint(n1, "old-2", value("2", 2), now.minus(Duration.ofDays(7)).minusMillis(1)));
        store.store(hint(n2, "old-3", value("3", 3), now.minus(Duration.ofDays(9))));
        store.store(hint(n1, "young", value("4", 4), now.minus(Duration.ofDays(7))));
        store.claim(n1, 1, "c1", LONG_LEASE);

        Map<NodeId, Long> dropped = store.expire(now.minus(Duration.ofDays(7)), 100);

        assertThat(dropped).containsExactlyInAnyOrderEntriesOf(Map.of(n1, 2L, n2, 1L));
        assertThat(store.pending(n1, 10)).extracting(Hint::key).containsExactly("young");
        assertThat(store.count(n2)).isZero();
        assertThat(store.expire(now.minus(Duration.ofDays(7)), 100)).as("nothing left to expire").isEmpty();
    }

    @Test
    public void expiryRemovesAtMostTheLimitPerCall() {
        for (int i = 0; i < 5; i++) {
            store.store(hint(i % 2 == 0 ? n1 : n2, "old-" + i, value("v", i + 1), now.minus(Duration.ofDays(8))));
        }
        Instant cutoff = now.minus(Duration.ofDays(7));

        Map<NodeId, Long> first = store.expire(cutoff, 3);
        Map<NodeId, Long> rest = store.expire(cutoff, 3);

        assertThat(first.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
        assertThat(rest.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
        assertThat(store.count(n1) + store.count(n2)).isZero();
    }

    @Test
    public void statsCountWaitingHintsPerNodeWithTheOldest() {
        assertThat(store.stats()).isEmpty();
        store.store(hint(n2, "b", value("1", 1), now.plusSeconds(5)));
        store.store(hint(n1, "a", value("1", 1), now.plusSeconds(3)));
        store.store(hint(n2, "c", value("2", 2), now));
        store.claim(n2, 1, "c1", LONG_LEASE);

        assertThat(store.stats()).containsExactly(
                new PendingHints(n1, 1, now.plusSeconds(3)),
                new PendingHints(n2, 2, now));
    }
}
