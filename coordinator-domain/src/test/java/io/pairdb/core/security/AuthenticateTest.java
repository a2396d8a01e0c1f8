package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.testing.InMemoryApiKeyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.SeededRandomBytes;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AuthenticateTest {
    private static final Permission READ_ACME = new Permission.TenantRead(new TenantId("acme"));
    private static final Principal ADMIN = new Principal("key:root", "root", Grants.of(Permission.CLUSTER_ADMIN));

    private final ManualClock clock = new ManualClock();
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    private final Authenticate authenticate = new Authenticate(store, clock,
            Map.of("spiffe://pairdb/ops", Grants.of(Permission.CLUSTER_ADMIN)),
            new Authenticate.Settings(Duration.ofSeconds(10), 100));
    private final ManageApiKeys keys = new ManageApiKeys(store, clock, new SeededRandomBytes(3), authenticate);

    private Authenticate.Outcome withToken(String token) {
        return authenticate.authenticate(new Credentials.BearerToken(token));
    }

    @Test
    void anIssuedTokenAuthenticatesAsItsKeyWithItsGrants() {
        var issued = keys.issue("acme-app", Set.of(READ_ACME), Optional.empty(), ADMIN);
        var outcome = (Authenticate.Outcome.Authenticated) withToken(issued.token().reveal());
        assertThat(outcome.principal().name()).isEqualTo("key:" + issued.key().id());
        assertThat(outcome.principal().label()).isEqualTo("acme-app");
        assertThat(outcome.principal().grants()).isEqualTo(Grants.of(READ_ACME));
    }

    @Test
    void garbageUnknownKeysAndWrongSecretsGetOneAnswer() {
        var issued = keys.issue("acme-app", Set.of(READ_ACME), Optional.empty(), ADMIN);
        String token = issued.token().reveal();
        String wrongSecret = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        String unknownKey = "pairdb_aaaaaaaaaaaaaaaa_" + token.substring(token.length() - 43);
        for (String bad : new String[] {"not-a-token", wrongSecret, unknownKey}) {
            assertThat(withToken(bad)).isEqualTo(new Authenticate.Outcome.Rejected(
                    Authenticate.Reason.INVALID_CREDENTIALS, "the API key is not valid"));
        }
    }

    @Test
    void aFloodOfMadeUpKeysDoesNotDropTheCachedRealOnes() {
        var issued = keys.issue("acme-app", Set.of(READ_ACME), Optional.empty(), ADMIN);
        String token = issued.token().reveal();
        assertThat(withToken(token)).isInstanceOf(Authenticate.Outcome.Authenticated.class);
        int findsBefore = store.finds();

        // more made-up key ids than the cache holds (100 here), each well formed and unknown
        String base32 = "abcdefghijklmnopqrstuvwxyz234567";
        for (int i = 0; i < 150; i++) {
            String id = "aaaaaaaaaaaaaa" + base32.charAt(i / 32) + base32.charAt(i % 32);
            withToken("pairdb_" + id + "_" + token.substring(token.length() - 43));
        }
        assertThat(withToken(token)).isInstanceOf(Authenticate.Outcome.Authenticated.class);

        assertThat(store.finds() - findsBefore).as("lookups: the made-up ones only, not the real key again")
                .isEqualTo(150);
    }

    /**
     * Made-up key ids sent by many callers at once: each must be looked up, but no more than the bound at a
     * time, so the coordinator's own work keeps connections to the same store; a call that cannot get its
     * turn in time is refused as the store being unavailable rather than waiting without end.
     */
    @Test
    void madeUpKeysSentAtOnceAreLookedUpAFewAtATime() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Authenticate bounded = new Authenticate(new StalledStore(slow, inFlight, most), clock, Map.of(),
                new Authenticate.Settings(Duration.ofSeconds(10), 100, 3, Duration.ofMillis(200)));
        String base32 = "abcdefghijklmnopqrstuvwxyz234567";
        ExecutorService callers = Executors.newFixedThreadPool(10);
        try {
            List<Future<Authenticate.Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String token = "pairdb_aaaaaaaaaaaaaaa" + base32.charAt(i) + "_" + "s".repeat(43);
                calls.add(callers.submit(() -> bounded.authenticate(new Credentials.BearerToken(token))));
            }

            // three lookups hang in the store; the seven others give up waiting for their turn
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> calls.stream().filter(Future::isDone).count() == 7);
            assertThat(calls).filteredOn(Future::isDone).allSatisfy(call -> assertThat(call.exceptionNow())
                    .isInstanceOf(PairDbException.class).hasMessageContaining("pairdb.security.max-key-lookups"));
            assertThat(most.get()).as("lookups in the store at once").isEqualTo(3);

            slow.countDown();
            for (Future<Authenticate.Outcome> call : calls) {
                if (call.state() != Future.State.FAILED) {
                    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(new Authenticate.Outcome.Rejected(
                            Authenticate.Reason.INVALID_CREDENTIALS, "the API key is not valid"));
                }
            }
        } finally {
            slow.countDown();
            callers.shutdownNow();
        }
    }

    /** A key store whose lookups hang until {@code slow} opens, counting how many are in it at once. */
    private record StalledStore(CountDownLatch slow, AtomicInteger inFlight, AtomicInteger most) implements ApiKeyStore {
        @Override
        public Optional<StoredKey> find(ApiKeyId id) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                slow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return Optional.empty();
        }

        @Override
        public InsertOutcome insert(ApiKey key, byte[] secretHash) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ApiKey> list() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ApiKey> revoke(ApiKeyId id, ApiKey.Revocation revocation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ApiKey> changeGrants(ApiKeyId id, Set<Permission> add, Set<Permission> remove) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void nothingPresentedIsRefused() {
        assertThat(authenticate.authenticate(Credentials.NONE)).isInstanceOfSatisfying(Authenticate.Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Authenticate.Reason.CREDENTIALS_REQUIRED));
    }

    @Test
    void anExpiredKeyIsRefusedFromItsExpiryOn() {
        var issued = keys.issue("short", Set.of(READ_ACME), Optional.of(Duration.ofMinutes(5)), ADMIN);
        assertThat(withToken(issued.token().reveal())).isInstanceOf(Authenticate.Outcome.Authenticated.class);
        clock.advance(Duration.ofMinutes(5));
        assertThat(withToken(issued.token().reveal())).isInstanceOfSatisfying(Authenticate.Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Authenticate.Reason.API_KEY_EXPIRED));
    }

    @Test
    void aRevocationHereTakesEffectHereAtOnce() {
        var issued = keys.issue("ci", Set.of(READ_ACME), Optional.empty(), ADMIN);
        assertThat(withToken(issued.token().reveal())).isInstanceOf(Authenticate.Outcome.Authenticated.class);
        keys.revoke(issued.key().id(), ADMIN);
        assertThat(withToken(issued.token().reveal())).isInstanceOfSatisfying(Authenticate.Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Authenticate.Reason.API_KEY_REVOKED));
    }

    @Test
    void aRevocationElsewhereTakesEffectAfterTheCacheTtlAtTheLatest() {
        var issued = keys.issue("ci", Set.of(READ_ACME), Optional.empty(), ADMIN);
        withToken(issued.token().reveal());
        // another coordinator revokes it: the shared store changes, this coordinator's cache does not hear of it
        new ManageApiKeys(store, clock, new SeededRandomBytes(4), new Authenticate(store, clock, Map.of(),
                new Authenticate.Settings(Duration.ofSeconds(10), 100))).revoke(issued.key().id(), ADMIN);

        assertThat(withToken(issued.token().reveal())).isInstanceOf(Authenticate.Outcome.Authenticated.class);
        clock.advance(Duration.ofSeconds(10));
        assertThat(withToken(issued.token().reveal())).isInstanceOf(Authenticate.Outcome.Rejected.class);
    }

    @Test
    void aBusyKeyIsLookedUpOncePerTtlAndAForgottenOneAtOnce() {
        var issued = keys.issue("busy", Set.of(READ_ACME), Optional.empty(), ADMIN);
        Credentials credentials = new Credentials.BearerToken(issued.token().reveal());
        int before = store.finds();
        for (int i = 0; i < 50; i++) {
            authenticate.authenticate(credentials);
        }
        assertThat(store.finds() - before).isEqualTo(1);
        assertThat(authenticate.answersFromMemory(credentials)).isTrue();
        authenticate.forget(issued.key().id());
        assertThat(authenticate.answersFromMemory(credentials)).isFalse();
        clock.advance(Duration.ofSeconds(10));
        authenticate.authenticate(credentials);
        assertThat(store.finds() - before).isEqualTo(2);
    }

    @Test
    void aClientCertificateGetsTheGrantsConfiguredForItsNameAndNoneOtherwise() {
        var ops = (Authenticate.Outcome.Authenticated) authenticate.authenticate(
                new Credentials.ClientCertificate("spiffe://pairdb/ops"));
        assertThat(ops.principal().name()).isEqualTo("cert:spiffe://pairdb/ops");
        assertThat(ops.principal().grants()).isEqualTo(Grants.of(Permission.CLUSTER_ADMIN));
        var stranger = (Authenticate.Outcome.Authenticated) authenticate.authenticate(
                new Credentials.ClientCertificate("someone"));
        assertThat(stranger.principal().grants()).isEqualTo(Grants.NONE);
    }
}
