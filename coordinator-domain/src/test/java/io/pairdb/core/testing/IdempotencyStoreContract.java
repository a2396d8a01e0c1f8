package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link IdempotencyStore} does; each implementation's test extends this. */
public abstract class IdempotencyStoreContract {
    /** A store holding no records. */
    protected abstract IdempotencyStore emptyStore();

    private static final Duration DAY = Duration.ofHours(24);

    private IdempotencyStore store;
    private final IdempotencyKey key = new IdempotencyKey(new TenantId("acme"), "user:1", "req-1");
    private final StoredResponse response = new StoredResponse("user:1", "req-1",
            VectorClock.of(Map.of("c1", 17L, "c2", 4L)), 1_700_000_000_123L, 3, "quorum", false);

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    /** Waits, boundedly, for what a call's future holds; a failed future throws its cause. */
    protected static <T> T done(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the store did not answer within 10 s", e);
        }
    }

    private final IdempotencyStore.UnsettledVersion unsettled = new IdempotencyStore.UnsettledVersion(
            VectorClock.of(Map.of("c1", 9_007_199_254_740_993L, "c2", 4L)), 1_700_000_000_456L);

    @Test
    public void anUnsettledVersionGoesToTheSameRequestWhichThenHoldsTheKey() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.unsettle(key, "a", "fp", unsettled, DAY));

        assertThat(done(store.claim(key, "fp", "b", DAY))).isEqualTo(new Claim.Unsettled("fp", unsettled));
        assertThat(done(store.claim(key, "fp", "b", DAY))).as("sent again by its owner")
                .isEqualTo(new Claim.Unsettled("fp", unsettled));
        assertThat(done(store.claim(key, "fp", "c", DAY))).as("b holds it").isEqualTo(new Claim.InProgress("fp"));
        assertThat(done(store.complete(key, "b", "fp", response, DAY))).isTrue();
        assertThat(done(store.claim(key, "fp", "d", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void anotherRequestIsShownTheUnsettledFingerprintAndClaimsNothing() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.unsettle(key, "a", "fp", unsettled, DAY));

        assertThat(done(store.claim(key, "fp-other", "b", DAY))).isEqualTo(new Claim.Unsettled("fp", unsettled));
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.Unsettled("fp", unsettled));
    }

    @Test
    public void aRetryThatIsReleasedOrUnsettledAgainLeavesTheVersionForTheNext() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.unsettle(key, "a", "fp", unsettled, DAY));
        done(store.claim(key, "fp", "b", DAY));
        done(store.release(key, "b"));
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.Unsettled("fp", unsettled));
        done(store.unsettle(key, "c", "fp", unsettled, DAY));
        done(store.unsettle(key, "c", "fp", unsettled, DAY));
        assertThat(done(store.claim(key, "fp", "d", DAY))).isEqualTo(new Claim.Unsettled("fp", unsettled));
    }

    @Test
    public void aLateRequestDoesNotReplaceAnotherRequestsUnsettledVersion() {
        IdempotencyStore.UnsettledVersion mine = new IdempotencyStore.UnsettledVersion(VectorClock.of("c9", 1L), 5L);
        done(store.claim(key, "fp-a", "a", DAY));
        done(store.release(key, "a"));
        done(store.claim(key, "fp-b", "b", DAY));
        done(store.unsettle(key, "b", "fp-b", unsettled, DAY));

        done(store.unsettle(key, "a", "fp-a", mine, DAY));

        assertThat(done(store.claim(key, "fp-b", "c", DAY))).isEqualTo(new Claim.Unsettled("fp-b", unsettled));
    }

    @Test
    public void unsettlingLeavesAnotherRequestsMarkerAndAStoredResponseAlone() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.release(key, "a"));
        done(store.claim(key, "fp", "b", DAY));
        done(store.unsettle(key, "a", "fp", unsettled, DAY));
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.InProgress("fp"));
        done(store.release(key, "b"));
        assertThat(done(store.claim(key, "fp", "c", DAY))).as("nothing kept").isInstanceOf(Claim.Claimed.class);

        assertThat(done(store.complete(key, "c", "fp", response, DAY))).isTrue();
        done(store.unsettle(key, "c", "fp", unsettled, DAY));
        assertThat(done(store.claim(key, "fp", "e", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void theFirstClaimWins() {
        assertThat(done(store.claim(key, "fp", "a", DAY))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void aSecondClaimWhileInFlightSeesTheFirstFingerprint() {
        done(store.claim(key, "fp-a", "a", DAY));
        assertThat(done(store.claim(key, "fp-b", "b", DAY))).isEqualTo(new Claim.InProgress("fp-a"));
    }

    @Test
    public void aClaimSentAgainByTheSameOwnerIsStillItsClaim() {
        // a client library resends a claim whose answer a dropped connection lost: the marker it
        // set the first time is the attempt's own, not another request's in flight
        done(store.claim(key, "fp", "a", DAY));
        assertThat(done(store.claim(key, "fp", "a", DAY))).isInstanceOf(Claim.Claimed.class);
        assertThat(done(store.claim(key, "fp", "b", DAY))).isEqualTo(new Claim.InProgress("fp"));
        assertThat(done(store.complete(key, "a", "fp", response, DAY))).isTrue();
        assertThat(done(store.claim(key, "fp", "a", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void aClaimAfterCompletionReturnsTheStoredResponse() {
        done(store.claim(key, "fp", "a", DAY));
        assertThat(done(store.complete(key, "a", "fp", response, DAY))).as("stored").isTrue();
        assertThat(done(store.claim(key, "fp", "b", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void storingTheSameResponseAgainIsASuccessAnotherIsRefused() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.complete(key, "a", "fp", response, DAY));

        assertThat(done(store.complete(key, "a", "fp", response, DAY))).as("a retry whose first answer was lost")
                .isTrue();
        StoredResponse other = new StoredResponse("user:1", "req-1", VectorClock.of("c2", 5), 1_700_000_009_000L, 3,
                "quorum", false);
        assertThat(done(store.complete(key, "b", "fp", other, DAY))).isFalse();
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void aResponseWhoseMarkerIsGoneIsStoredAllTheSame() {
        // the marker expired (or was never seen) and nobody claimed the key since: the write did happen
        assertThat(done(store.complete(key, "a", "fp", response, DAY))).isTrue();
        assertThat(done(store.claim(key, "fp", "b", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void aReleasedClaimCanBeClaimedAgain() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.release(key, "a"));
        assertThat(done(store.claim(key, "fp", "b", DAY))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void keysOfDifferentTenantsDoNotCollide() {
        done(store.claim(key, "fp", "a", DAY));
        IdempotencyKey other = new IdempotencyKey(new TenantId("globex"), "user:1", "req-1");
        assertThat(done(store.claim(other, "fp", "b", DAY))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void keysWhosePartsJoinToTheSameTextDoNotCollide() {
        IdempotencyKey first = new IdempotencyKey(new TenantId("default"), "a:b", "c");
        IdempotencyKey second = new IdempotencyKey(new TenantId("default"), "a", "b:c");
        done(store.claim(first, "fp", "a", DAY));
        done(store.complete(first, "a", "fp", response, DAY));

        assertThat(done(store.claim(second, "fp", "b", DAY))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void aLateSecondReleaseDoesNotDropAClaimMadeAfterTheFirst() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.release(key, "a"));
        done(store.claim(key, "fp", "b", DAY));

        // the first request's release, repeated late (a retry of the call, or a request that outlived its claim)
        done(store.release(key, "a"));

        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.InProgress("fp"));
    }

    @Test
    public void aLateCompleteDoesNotOverwriteTheClaimOfTheRequestThatTookTheKeyOver() {
        StoredResponse theirs = new StoredResponse("user:1", "req-1", VectorClock.of("c1", 99), 1_700_000_009_000L, 3,
                "quorum", false);
        done(store.claim(key, "fp", "a", DAY));
        done(store.release(key, "a")); // as if a's marker had expired
        done(store.claim(key, "fp", "b", DAY));

        assertThat(done(store.complete(key, "a", "fp", response, DAY))).as("a's record is refused").isFalse();

        assertThat(done(store.claim(key, "fp", "c", DAY))).as("b still holds the key").isEqualTo(new Claim.InProgress("fp"));
        assertThat(done(store.complete(key, "b", "fp", theirs, DAY))).isTrue();
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.Completed("fp", theirs));
    }

    @Test
    public void aReleaseByAnotherOwnerOrAfterCompletionChangesNothing() {
        done(store.claim(key, "fp", "a", DAY));
        done(store.release(key, "b"));
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.InProgress("fp"));

        done(store.complete(key, "a", "fp", response, DAY));
        done(store.release(key, "a"));
        assertThat(done(store.claim(key, "fp", "c", DAY))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Claim>> attempts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int attempt = i;
                attempts.add(() -> done(store.claim(key, "fp", "owner-" + attempt, DAY)));
            }
            int winners = 0;
            for (Future<Claim> f : pool.invokeAll(attempts)) {
                if (f.get() instanceof Claim.Claimed) {
                    winners++;
                }
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
