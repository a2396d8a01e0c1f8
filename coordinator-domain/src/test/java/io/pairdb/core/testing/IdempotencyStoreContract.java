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

    @Test
    public void theFirstClaimWins() {
        assertThat(done(store.claim(key, "fp", Duration.ofHours(24)))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void aSecondClaimWhileInFlightSeesTheFirstFingerprint() {
        done(store.claim(key, "fp-a", Duration.ofHours(24)));
        assertThat(done(store.claim(key, "fp-b", Duration.ofHours(24)))).isEqualTo(new Claim.InProgress("fp-a"));
    }

    @Test
    public void aClaimAfterCompletionReturnsTheStoredResponse() {
        done(store.claim(key, "fp", Duration.ofHours(24)));
        done(store.complete(key, "fp", response, Duration.ofHours(24)));
        assertThat(done(store.claim(key, "fp", Duration.ofHours(24)))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void aResponseStoredWithoutAClaimIsFoundByTheNextClaim() {
        // a write without a client key stores its generated key's record without claiming it first
        done(store.complete(key, "fp", response, Duration.ofHours(24)));
        assertThat(done(store.claim(key, "fp", Duration.ofHours(24)))).isEqualTo(new Claim.Completed("fp", response));
    }

    @Test
    public void aReleasedClaimCanBeClaimedAgain() {
        done(store.claim(key, "fp", Duration.ofHours(24)));
        done(store.release(key));
        assertThat(done(store.claim(key, "fp", Duration.ofHours(24)))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void keysOfDifferentTenantsDoNotCollide() {
        done(store.claim(key, "fp", Duration.ofHours(24)));
        IdempotencyKey other = new IdempotencyKey(new TenantId("globex"), "user:1", "req-1");
        assertThat(done(store.claim(other, "fp", Duration.ofHours(24)))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    public void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Claim>> attempts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                attempts.add(() -> done(store.claim(key, "fp", Duration.ofHours(24))));
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
