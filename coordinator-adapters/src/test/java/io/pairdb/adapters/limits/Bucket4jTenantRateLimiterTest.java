package io.pairdb.adapters.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import io.pairdb.core.testing.TenantRateLimiterContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class Bucket4jTenantRateLimiterTest extends TenantRateLimiterContract {
    @Override
    protected TenantRateLimiter newLimiter() {
        return new Bucket4jTenantRateLimiter();
    }

    @Test
    void theRecentRateIsTheLastWholeMinutesOnceThereIsOne() {
        AtomicLong now = new AtomicLong();
        var limiter = new Bucket4jTenantRateLimiter(now::get);
        TenantId acme = new TenantId("acme");
        for (int i = 0; i < 120; i++) {
            limiter.tryAcquire(acme, new TenantQuota(1_000_000, 0), 0);
        }
        now.set(Duration.ofSeconds(61).toNanos());
        assertThat(limiter.recent(acme)).isEqualTo(new TenantRateLimiter.Recent(2.0, 0));
        now.set(Duration.ofMinutes(5).toNanos());
        assertThat(limiter.recent(acme)).as("idle since").isEqualTo(new TenantRateLimiter.Recent(0, 0));
    }

    @Test
    void requestsLargerThanASecondsWorthAreCountedInFull() {
        AtomicLong now = new AtomicLong();
        var limiter = new Bucket4jTenantRateLimiter(now::get);
        TenantId acme = new TenantId("acme");
        TenantQuota kilobyteASecond = new TenantQuota(0, 1_000);
        long admittedBytes = 0;
        // a megabyte every 100 ms for 10 s against a quota of 1 000 bytes a second
        for (int i = 0; i < 100; i++) {
            if (limiter.tryAcquire(acme, kilobyteASecond, 1_000_000) instanceof TenantRateLimiter.Decision.Admitted) {
                admittedBytes += 1_000_000;
            }
            now.addAndGet(Duration.ofMillis(100).toNanos());
        }

        // one may pass on a full budget; the rest wait until the quota has paid for it
        assertThat(admittedBytes).isEqualTo(1_000_000);
        assertThat(limiter.tryAcquire(acme, kilobyteASecond, 10)).isInstanceOfSatisfying(
                TenantRateLimiter.Decision.Throttled.class, t -> assertThat(t.retryAfter()).isGreaterThan(Duration.ofMinutes(16)));
        now.addAndGet(Duration.ofSeconds(1_000).toNanos());
        assertThat(limiter.tryAcquire(acme, kilobyteASecond, 1_000_000)).isInstanceOf(TenantRateLimiter.Decision.Admitted.class);
    }

    @Test
    void aShareThatChangesKeepsWhatWasUsedOfTheBudget() {
        AtomicLong now = new AtomicLong();
        var limiter = new Bucket4jTenantRateLimiter(now::get);
        TenantId acme = new TenantId("acme");
        TenantQuota quota = new TenantQuota(10, 2_000);
        assertThat(limiter.tryAcquire(acme, quota, 1_000_000)).isInstanceOf(TenantRateLimiter.Decision.Admitted.class);
        for (int i = 0; i < 9; i++) {
            limiter.tryAcquire(acme, quota, 0);
        }

        // a coordinator joins or leaves: the share changes, and neither the debt nor the spent operations are forgiven
        for (TenantQuota share : new TenantQuota[] {quota.share(2), quota, quota.share(3)}) {
            assertThat(limiter.tryAcquire(acme, share, 10)).as("%s", share)
                    .isInstanceOf(TenantRateLimiter.Decision.Throttled.class);
        }
        assertThat(limiter.tryAcquire(acme, new TenantQuota(1_000, 2_000_000), 10)).as("a quota raised far enough")
                .isInstanceOf(TenantRateLimiter.Decision.Admitted.class);
    }

    /** The fuzzer set a quota of Long.MAX_VALUE: every later call of that tenant failed INTERNAL. */
    @Test
    void aQuotaAboveWhatABucketCanRefillAdmitsInsteadOfFailing() {
        var limiter = new Bucket4jTenantRateLimiter();
        TenantId acme = new TenantId("acme");
        for (TenantQuota huge : new TenantQuota[] {new TenantQuota(Long.MAX_VALUE, 0), new TenantQuota(0, Long.MAX_VALUE),
                new TenantQuota(Long.MAX_VALUE, Long.MAX_VALUE), new TenantQuota(2_000_000_000L, 5_000_000_000L)}) {
            assertThat(limiter.tryAcquire(acme, huge, 1_000_000)).as("%s", huge).isEqualTo(new TenantRateLimiter.Decision.Admitted());
        }
        assertThat(limiter.tryAcquire(acme, new TenantQuota(1, 0), 0)).isEqualTo(new TenantRateLimiter.Decision.Admitted());
        assertThat(limiter.tryAcquire(acme, new TenantQuota(1, 0), 0))
                .as("a quota within reach is still enforced").isInstanceOf(TenantRateLimiter.Decision.Throttled.class);
    }
}
