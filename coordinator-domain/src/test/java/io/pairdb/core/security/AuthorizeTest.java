package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AuthorizeTest {
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId GLOBEX = new TenantId("globex");

    private final Authorize authorize = new Authorize();
    private final Principal acmeApp = new Principal("key:app", "acme-app",
            Grants.of(new Permission.TenantRead(ACME), new Permission.TenantWrite(ACME)));

    @Test
    void aTenantKeyReadsAndWritesItsTenantOnly() {
        assertThat(authorize.decide(acmeApp, Requirement.needs(new Permission.TenantWrite(ACME))))
                .isInstanceOf(Authorize.Decision.Allowed.class);
        assertThat(authorize.decide(acmeApp, Requirement.needs(new Permission.TenantRead(GLOBEX))))
                .isEqualTo(new Authorize.Decision.Denied(Requirement.needs(new Permission.TenantRead(GLOBEX))));
    }

    @Test
    void aTenantKeyMayMakeNoAdminCall() {
        assertThat(authorize.decide(acmeApp, Requirement.needs(Permission.CLUSTER_ADMIN)))
                .isInstanceOf(Authorize.Decision.Denied.class);
        assertThat(authorize.decide(acmeApp, Requirement.needs(Permission.CLUSTER_READ)))
                .isInstanceOf(Authorize.Decision.Denied.class);
    }

    @Test
    void oneOfSeveralPermissionsIsEnough() {
        Requirement getTenant = Requirement.needs(Permission.CLUSTER_READ, new Permission.TenantRead(ACME),
                new Permission.TenantWrite(ACME));
        assertThat(authorize.decide(acmeApp, getTenant)).isInstanceOf(Authorize.Decision.Allowed.class);
        Principal monitor = new Principal("cert:monitor", "", Grants.of(Permission.CLUSTER_READ));
        assertThat(authorize.decide(monitor, getTenant)).isInstanceOf(Authorize.Decision.Allowed.class);
    }

    @Test
    void aCallerIsDeniedBeforeItsRequestOnlyWhenNoTenantItCouldNameWouldBeAllowed() {
        Function<TenantId, Requirement> write = t -> Requirement.needs(new Permission.TenantWrite(t));
        Function<TenantId, Requirement> getTenant = t -> Requirement.needs(Permission.CLUSTER_READ,
                new Permission.TenantRead(t), new Permission.TenantWrite(t));
        Principal nobody = new Principal("cert:x", "", Grants.NONE);
        Principal monitor = new Principal("key:monitor", "", Grants.of(Permission.CLUSTER_READ));
        Principal reader = new Principal("key:reader", "", Grants.of(new Permission.TenantRead(GLOBEX)));
        Principal admin = new Principal("key:admin", "", Grants.of(Permission.CLUSTER_ADMIN));

        assertThat(authorize.mayForSomeTenant(acmeApp, write)).isTrue();
        assertThat(authorize.mayForSomeTenant(admin, write)).isTrue();
        assertThat(authorize.mayForSomeTenant(nobody, write)).isFalse();
        assertThat(authorize.mayForSomeTenant(monitor, write)).isFalse();
        assertThat(authorize.mayForSomeTenant(reader, write)).as("a read grant does not write").isFalse();
        assertThat(authorize.mayForSomeTenant(reader, getTenant)).isTrue();
        assertThat(authorize.mayForSomeTenant(monitor, getTenant)).isTrue();
        assertThat(authorize.mayForSomeTenant(nobody, getTenant)).isFalse();
        assertThat(authorize.mayForSomeTenant(nobody, t -> Requirement.AUTHENTICATED)).isTrue();
    }

    @Test
    void anyAuthenticatedCallerPassesAnAuthenticatedRequirement() {
        Principal nobody = new Principal("cert:x", "", Grants.NONE);
        assertThat(authorize.decide(nobody, Requirement.AUTHENTICATED)).isInstanceOf(Authorize.Decision.Allowed.class);
    }

    @Test
    void aCallerSeesOnlyTheTenantsItHoldsAGrantOn() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Tenant> all = List.of(new Tenant(ACME, 3, t, t, 1), new Tenant(GLOBEX, 3, t, t, 1),
                new Tenant(new TenantId("initech"), 3, t, t, 1));
        assertThat(authorize.visible(acmeApp, all)).extracting(Tenant::id).containsExactly(ACME);
        Principal writerOnly = new Principal("key:w", "", Grants.of(new Permission.TenantWrite(GLOBEX)));
        assertThat(authorize.visible(writerOnly, all)).extracting(Tenant::id).containsExactly(GLOBEX);
        Principal reader = new Principal("key:r", "", Grants.of(Permission.CLUSTER_READ));
        assertThat(authorize.visible(reader, all)).hasSize(3);
    }
}
