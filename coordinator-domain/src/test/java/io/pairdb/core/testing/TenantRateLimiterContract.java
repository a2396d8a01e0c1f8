package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.port.TenantRateLimiter.Decision;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TenantRateLimiter} does; each implementation's test extends this. The rates
 * are low (1 per second, or a second's worth of bytes at once) so that a busy machine cannot
 * refill a budget between two calls of one burst.
 */
public abstract class TenantRateLimiterContract {
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId OTHER = new TenantId("other");

    protected abstract TenantRateLimiter newLimiter();

    private TenantRateLimiter limiter;

    @BeforeEach
    public void freshLimiter() {
        limiter = newLimiter();
    }

    @Test
    public void aBurstPastTheOpsRateIsThrottledWithWhenToRetry() {
        TenantQuota oneASecond = new TenantQuota(1, 0);
        assertThat(limiter.tryAcquire(ACME, oneASecond, 10)).isInstanceOf(Decision.Admitted.class);
        Decision next = limiter.tryAcquire(ACME, oneASecond, 10);
        assertThat(next).isInstanceOfSatisfying(Decision.Throttled.class, t -> {
            assertThat(t.limit()).isEqualTo("ops");
            assertThat(t.retryAfter()).isPositive().isLessThanOrEqualTo(java.time.Duration.ofSeconds(1));
        });
    }

    @Test
    public void theBytesRateCountsRequestBytes() {
        TenantQuota kilobyte = new TenantQuota(0, 1_000);
        assertThat(limiter.tryAcquire(ACME, kilobyte, 600)).isInstanceOf(Decision.Admitted.class);
        assertThat(limiter.tryAcquire(ACME, kilobyte, 600)).isInstanceOfSatisfying(Decision.Throttled.class,
                t -> assertThat(t.limit()).isEqualTo("bytes"));
    }

    @Test
    public void tenantsHaveTheirOwnBudgets() {
        TenantQuota oneASecond = new TenantQuota(1, 0);
        limiter.tryAcquire(ACME, oneASecond, 0);
        assertThat(limiter.tryAcquire(ACME, oneASecond, 0)).isInstanceOf(Decision.Throttled.class);
        assertThat(limiter.tryAcquire(OTHER, oneASecond, 0)).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    public void anUnlimitedQuotaAdmitsEverything() {
        assertThat(IntStream.range(0, 1_000).mapToObj(i -> limiter.tryAcquire(ACME, TenantQuota.UNLIMITED, 1_000_000)))
                .allMatch(Decision.Admitted.class::isInstance);
    }

    @Test
    public void aChangedQuotaAppliesFromTheNextCall() {
        limiter.tryAcquire(ACME, new TenantQuota(1, 0), 0);
        assertThat(limiter.tryAcquire(ACME, new TenantQuota(1, 0), 0)).isInstanceOf(Decision.Throttled.class);
        assertThat(limiter.tryAcquire(ACME, new TenantQuota(1_000, 0), 0)).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    public void recentCountsWhatWasThrottled() {
        assertThat(limiter.recent(ACME)).isEqualTo(new TenantRateLimiter.Recent(0, 0));
        TenantQuota oneASecond = new TenantQuota(1, 0);
        IntStream.range(0, 5).forEach(i -> limiter.tryAcquire(ACME, oneASecond, 0));
        assertThat(limiter.recent(ACME).throttled()).isEqualTo(4);
        assertThat(limiter.recent(ACME).admittedPerSecond()).isPositive();
        assertThat(limiter.recent(OTHER).throttled()).isZero();
    }
}
