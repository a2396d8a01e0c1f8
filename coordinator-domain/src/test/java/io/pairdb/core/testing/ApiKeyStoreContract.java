package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.ApiKeyToken;
import io.pairdb.core.security.Grants;
import io.pairdb.core.security.Permission;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} does; each implementation's test extends this. */
public abstract class ApiKeyStoreContract {
    /** A store with no keys in it. */
    protected abstract ApiKeyStore emptyStore();

    private static final Permission READ_ACME = new Permission.TenantRead(new TenantId("acme"));
    private static final Permission WRITE_ACME = new Permission.TenantWrite(new TenantId("acme"));

    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private final Random random = new Random(16);
    private ApiKeyStore store;

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    @Test
    public void findsAKeyWithItsSecretHashAfterInsertingIt() {
        ApiKeyToken token = token();
        ApiKey key = key(token, "billing", Grants.of(READ_ACME, WRITE_ACME), Optional.of(now.plusSeconds(3600)));
        assertThat(store.insert(key, token.secretHash())).isEqualTo(ApiKeyStore.InsertOutcome.INSERTED);

        ApiKeyStore.StoredKey stored = store.find(token.id()).orElseThrow();
        assertThat(stored.key()).isEqualTo(key);
        assertThat(token.matches(stored.secretHash())).isTrue();
    }

    @Test
    public void refusesASecondKeyWithTheSameIdAndKeepsTheFirst() {
        ApiKeyToken token = token();
        store.insert(key(token, "first", Grants.of(Permission.CLUSTER_READ), Optional.empty()), token.secretHash());
        ApiKey other = key(token, "second", Grants.of(Permission.CLUSTER_ADMIN), Optional.empty());
        assertThat(store.insert(other, new byte[32])).isEqualTo(ApiKeyStore.InsertOutcome.ALREADY_EXISTS);
        ApiKeyStore.StoredKey stored = store.find(token.id()).orElseThrow();
        assertThat(stored.key().name()).isEqualTo("first");
        assertThat(token.matches(stored.secretHash())).isTrue();
    }

    /** The gRPC API takes validities up to about 10 000 years: such a key's expiry is stored and read back. */
    @Test
    public void keepsAnExpiryTenThousandYearsAhead() {
        ApiKeyToken token = token();
        ApiKey key = key(token, "long-lived", Grants.of(READ_ACME), Optional.of(now.plusSeconds(315_576_000_000L)));
        assertThat(store.insert(key, token.secretHash())).isEqualTo(ApiKeyStore.InsertOutcome.INSERTED);

        assertThat(store.find(token.id()).orElseThrow().key()).isEqualTo(key);
        assertThat(store.list()).containsExactly(key);
    }

    @Test
    public void findsNothingForAnUnknownId() {
        assertThat(store.find(new ApiKeyId("aaaaaaaaaaaaaaaa"))).isEmpty();
    }

    @Test
    public void listsKeysOldestFirstRevokedOnesIncluded() {
        ApiKeyToken older = token();
        ApiKeyToken newer = token();
        store.insert(new ApiKey(newer.id(), "newer", Grants.NONE, now.plusSeconds(5), "test", Optional.empty(),
                Optional.empty()), newer.secretHash());
        store.insert(key(older, "older", Grants.NONE, Optional.empty()), older.secretHash());
        store.revoke(older.id(), new ApiKey.Revocation(now.plusSeconds(10), "key:admin"));

        assertThat(store.list()).extracting(ApiKey::name).containsExactly("older", "newer");
    }

    @Test
    public void revokingRecordsWhenAndByWhomAndKeepsTheFirstRevocation() {
        ApiKeyToken token = token();
        store.insert(key(token, "ci", Grants.of(READ_ACME), Optional.empty()), token.secretHash());

        ApiKey revoked = store.revoke(token.id(), new ApiKey.Revocation(now.plusSeconds(1), "key:alice")).orElseThrow();
        ApiKey again = store.revoke(token.id(), new ApiKey.Revocation(now.plusSeconds(2), "key:bob")).orElseThrow();

        assertThat(revoked.revoked()).contains(new ApiKey.Revocation(now.plusSeconds(1), "key:alice"));
        assertThat(again.revoked()).isEqualTo(revoked.revoked());
        assertThat(store.find(token.id()).orElseThrow().key().revoked()).isEqualTo(revoked.revoked());
    }

    @Test
    public void revokingAnUnknownKeyFindsNothing() {
        assertThat(store.revoke(new ApiKeyId("aaaaaaaaaaaaaaaa"), new ApiKey.Revocation(now, "key:x"))).isEmpty();
    }

    @Test
    public void grantsAreAddedAndRemoved() {
        ApiKeyToken token = token();
        store.insert(key(token, "app", Grants.of(READ_ACME), Optional.empty()), token.secretHash());

        assertThat(store.changeGrants(token.id(), Set.of(WRITE_ACME), Set.of()).orElseThrow().grants())
                .isEqualTo(Grants.of(READ_ACME, WRITE_ACME));
        assertThat(store.changeGrants(token.id(), Set.of(), Set.of(READ_ACME)).orElseThrow().grants())
                .isEqualTo(Grants.of(WRITE_ACME));
        assertThat(store.find(token.id()).orElseThrow().key().grants()).isEqualTo(Grants.of(WRITE_ACME));
        assertThat(store.changeGrants(new ApiKeyId("aaaaaaaaaaaaaaaa"), Set.of(READ_ACME), Set.of())).isEmpty();
    }

    @Test
    public void concurrentGrantsToOneKeyAllTakeEffect() throws Exception {
        ApiKeyToken token = token();
        store.insert(key(token, "app", Grants.NONE, Optional.empty()), token.secretHash());
        List<Callable<Optional<ApiKey>>> grants = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Permission p = new Permission.TenantRead(new TenantId("t" + i));
            grants.add(() -> store.changeGrants(token.id(), Set.of(p), Set.of()));
        }
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (var f : threads.invokeAll(grants)) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.find(token.id()).orElseThrow().key().grants().permissions()).hasSize(12);
    }

    private ApiKey key(ApiKeyToken token, String name, Grants grants, Optional<Instant> expiresAt) {
        return new ApiKey(token.id(), name, grants, now, "key:admin", expiresAt, Optional.empty());
    }

    private ApiKeyToken token() {
        byte[] id = new byte[ApiKeyToken.ID_BYTES];
        byte[] secret = new byte[ApiKeyToken.SECRET_BYTES];
        random.nextBytes(id);
        random.nextBytes(secret);
        return ApiKeyToken.generate(id, secret);
    }
}
