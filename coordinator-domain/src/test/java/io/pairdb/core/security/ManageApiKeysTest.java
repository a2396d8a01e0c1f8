package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.testing.InMemoryApiKeyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.SeededRandomBytes;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManageApiKeysTest {
    private static final Permission READ_ACME = new Permission.TenantRead(new TenantId("acme"));
    private static final Permission WRITE_ACME = new Permission.TenantWrite(new TenantId("acme"));
    private static final Principal ALICE = new Principal("cert:alice", "", Grants.of(Permission.CLUSTER_ADMIN));

    private final ManualClock clock = new ManualClock();
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    private final Authenticate authenticate = new Authenticate(store, clock, Map.of(),
            new Authenticate.Settings(Duration.ofSeconds(10), 100));
    private final ManageApiKeys keys = new ManageApiKeys(store, clock, new SeededRandomBytes(5), authenticate);

    @Test
    void anIssuedKeyRecordsWhoIssuedItAndWhenItExpiresAndStoresNoSecret() {
        var issued = keys.issue("billing", Set.of(READ_ACME), Optional.of(Duration.ofDays(90)), ALICE);
        assertThat(issued.key().createdBy()).isEqualTo("cert:alice");
        assertThat(issued.key().expiresAt()).contains(clock.now().plus(Duration.ofDays(90)));
        var stored = store.find(issued.key().id()).orElseThrow();
        String secret = issued.token().reveal().substring(issued.token().reveal().lastIndexOf('_') + 1);
        assertThat(new String(stored.secretHash(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(issued.token().matches(stored.secretHash())).isTrue();
    }

    @Test
    void twoKeysNeverShareAnIdOrAToken() {
        var a = keys.issue("a", Set.of(), Optional.empty(), ALICE);
        var b = keys.issue("b", Set.of(), Optional.empty(), ALICE);
        assertThat(a.key().id()).isNotEqualTo(b.key().id());
        assertThat(a.token().reveal()).isNotEqualTo(b.token().reveal());
    }

    @Test
    void badNamesAndValiditiesAreRefused() {
        assertThatThrownBy(() -> keys.issue("two words", Set.of(), Optional.empty(), ALICE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key name");
        assertThatThrownBy(() -> keys.issue("k", Set.of(), Optional.of(Duration.ZERO), ALICE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void revokingTellsWhetherItWasAlreadyRevokedOrMissing() {
        var issued = keys.issue("ci", Set.of(), Optional.empty(), ALICE);
        assertThat(keys.revoke(issued.key().id(), ALICE)).isInstanceOfSatisfying(ManageApiKeys.RevokeOutcome.Revoked.class,
                r -> assertThat(r.key().revoked().orElseThrow().by()).isEqualTo("cert:alice"));
        assertThat(keys.revoke(issued.key().id(), ALICE)).isInstanceOf(ManageApiKeys.RevokeOutcome.AlreadyRevoked.class);
        assertThat(keys.revoke(new ApiKeyId("aaaaaaaaaaaaaaaa"), ALICE))
                .isInstanceOf(ManageApiKeys.RevokeOutcome.NotFound.class);
    }

    @Test
    void changedGrantsApplyToTheNextCallHere() {
        var issued = keys.issue("app", Set.of(READ_ACME), Optional.empty(), ALICE);
        Credentials token = new Credentials.BearerToken(issued.token().reveal());
        authenticate.authenticate(token);
        keys.changeGrants(issued.key().id(), Set.of(WRITE_ACME), Set.of(READ_ACME));
        var after = (Authenticate.Outcome.Authenticated) authenticate.authenticate(token);
        assertThat(after.principal().grants()).isEqualTo(Grants.of(WRITE_ACME));
    }

    @Test
    void theBootstrapKeyIsCreatedOnceAndARevocationOfItStands() {
        var token = ApiKeyToken.generate(new byte[ApiKeyToken.ID_BYTES], new byte[ApiKeyToken.SECRET_BYTES]);
        assertThat(keys.ensure(token, "bootstrap-admin", Grants.of(Permission.CLUSTER_ADMIN)))
                .isEqualTo(ManageApiKeys.Bootstrap.CREATED);
        keys.revoke(token.id(), ALICE);
        assertThat(keys.ensure(token, "bootstrap-admin", Grants.of(Permission.CLUSTER_ADMIN)))
                .isEqualTo(ManageApiKeys.Bootstrap.PRESENT);
        assertThat(authenticate.authenticate(new Credentials.BearerToken(token.reveal())))
                .isInstanceOf(Authenticate.Outcome.Rejected.class);
    }
}
