package io.pairdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.tenant.TenantId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermissionTest {
    private static final TenantId ACME = new TenantId("acme");

    @Test
    void parsesWhatItPrints() {
        for (String text : List.of("cluster:admin", "cluster:read", "tenant:acme:read", "tenant:acme:write")) {
            assertThat(Permission.parse(text)).singleElement().hasToString(text);
        }
    }

    @Test
    void readWriteIsBothTenantPermissions() {
        assertThat(Permission.parse("tenant:acme:read-write"))
                .containsExactlyInAnyOrder(new Permission.TenantRead(ACME), new Permission.TenantWrite(ACME));
    }

    @Test
    void refusesWhatIsNotAPermissionSayingWhatIs() {
        assertThatThrownBy(() -> Permission.parse("admin")).hasMessageContaining("cluster:admin, cluster:read");
        assertThatThrownBy(() -> Permission.parse("tenant:acme:delete")).hasMessageContaining(":read, :write");
        assertThatThrownBy(() -> Permission.parse("tenant:a b:read")).hasMessageContaining("tenant id");
    }

    @Test
    void clusterAdminHoldsEveryPermissionAndClusterReadNoTenantData() {
        Grants admin = Grants.of(Permission.CLUSTER_ADMIN);
        Grants reader = Grants.of(Permission.CLUSTER_READ);
        assertThat(admin.allows(new Permission.TenantWrite(ACME))).isTrue();
        assertThat(admin.allows(Permission.CLUSTER_READ)).isTrue();
        assertThat(reader.allows(Permission.CLUSTER_READ)).isTrue();
        assertThat(reader.allows(new Permission.TenantRead(ACME))).isFalse();
        assertThat(reader.allows(Permission.CLUSTER_ADMIN)).isFalse();
    }

    @Test
    void aTenantGrantCoversThatTenantAndThatAccessOnly() {
        Grants grants = Grants.of(new Permission.TenantRead(ACME));
        assertThat(grants.allows(new Permission.TenantRead(ACME))).isTrue();
        assertThat(grants.allows(new Permission.TenantWrite(ACME))).isFalse();
        assertThat(grants.allows(new Permission.TenantRead(new TenantId("other")))).isFalse();
        assertThat(grants.sees(ACME)).isTrue();
        assertThat(grants.sees(new TenantId("other"))).isFalse();
    }
}
