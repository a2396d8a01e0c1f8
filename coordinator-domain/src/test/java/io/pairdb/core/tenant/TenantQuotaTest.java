package io.pairdb.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantQuotaTest {
    @Test
    void eachCoordinatorGetsItsShareRoundedUpAndNeverUnlimited() {
        TenantQuota quota = new TenantQuota(100, 1_000);
        assertThat(quota.share(1)).isEqualTo(quota);
        assertThat(quota.share(3)).isEqualTo(new TenantQuota(34, 334));
        assertThat(new TenantQuota(1, 0).share(4)).as("a set limit stays a limit").isEqualTo(new TenantQuota(1, 0));
        assertThat(quota.share(0)).as("this coordinator is live").isEqualTo(quota);
        assertThat(TenantQuota.UNLIMITED.share(5).unlimited()).isTrue();
        assertThat(new TenantQuota(Long.MAX_VALUE, Long.MAX_VALUE - 1).share(2)).as("the largest limits, halved")
                .isEqualTo(new TenantQuota(Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE / 2));
    }

    @Test
    void negativeLimitsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> new TenantQuota(-1, 0)).hasMessageContaining("operations per second");
        assertThatThrownBy(() -> new TenantQuota(0, -5)).hasMessageContaining("bytes per second");
    }
}
