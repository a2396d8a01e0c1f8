package io.pairdb.adapters.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link TenantRateLimiter} on Bucket4j: per tenant, one bucket for requests and one for request
 * bytes, each holding a second's worth and refilled greedily at the share's rate. A tenant's
 * buckets are rebuilt when its share changes. The recent rate is counted in whole-minute windows
 * (the last complete one, or the current one while there is none). Tenants are few (each is
 * created by an operator), so the map is not bounded. A share above {@link #MAX_ENFORCED_PER_SECOND}
 * (Bucket4j refills at most one token a nanosecond) is not limited: no coordinator serves that
 * much, and a bucket for it cannot be built.
 */
public final class Bucket4jTenantRateLimiter implements TenantRateLimiter {
    private static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();
    /** The largest rate a bucket refills at: one token a nanosecond. */
    static final long MAX_ENFORCED_PER_SECOND = Duration.ofSeconds(1).toNanos();

    private final ConcurrentHashMap<TenantId, Buckets> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public Bucket4jTenantRateLimiter() {
        this(System::nanoTime);
    }

    /** With the clock that the buckets refill on and the recent rate is measured on. */
    Bucket4jTenantRateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public Decision tryAcquire(TenantId tenant, TenantQuota share, long bytes) {
        if (share.unlimited()) {
            return new Decision.Admitted();
        }
        Buckets b = buckets.compute(tenant, (id, old) -> old != null && old.share.equals(share) ? old : new Buckets(share, old));
        Decision decision = b.tryAcquire(Math.max(0, bytes));
        b.count(decision instanceof Decision.Admitted, nanoTime.getAsLong());
        return decision;
    }

    @Override
    public Recent recent(TenantId tenant) {
        Buckets b = buckets.get(tenant);
        return b == null ? new Recent(0, 0) : b.recent(nanoTime.getAsLong());
    }

    private final class Buckets {
        final TenantQuota share;
        final Bucket ops;
        final Bucket bytes;
        // the current and the last complete window of admitted and throttled requests
        private long windowStart;
        private long admitted;
        private long throttled;
        private long lastAdmitted = -1;
        private long lastThrottled;

        Buckets(TenantQuota share, Buckets before) {
            this.share = share;
            this.ops = carried(before == null ? null : before.ops, share.opsPerSecond());
            this.bytes = carried(before == null ? null : before.bytes, share.bytesPerSecond());
            if (before != null) {
                synchronized (before) {
                    windowStart = before.windowStart;
                    admitted = before.admitted;
                    throttled = before.throttled;
                    lastAdmitted = before.lastAdmitted;
                    lastThrottled = before.lastThrottled;
                }
            } else {
                windowStart = nanoTime.getAsLong();
            }
        }

        /**
         * A bucket for the rate, or null when it is 0 (unlimited) or too high to enforce. The tenant's bucket
         * before, if any, goes on at the new rate with what was used of it (a debt included): the share
         * changes whenever a coordinator joins or leaves, and must not hand out a fresh budget each time.
         */
        private Bucket carried(Bucket before, long perSecond) {
            if (perSecond == 0 || perSecond > MAX_ENFORCED_PER_SECOND) {
                return null;
            }
            if (before != null) {
                before.replaceConfiguration(BucketConfiguration.builder().addLimit(limit(perSecond)).build(),
                        TokensInheritanceStrategy.ADDITIVE);
                return before;
            }
            return Bucket.builder()
                    .addLimit(limit(perSecond))
                    .withCustomTimePrecision(new TimeMeter() {
                        @Override
                        public long currentTimeNanos() {
                            return nanoTime.getAsLong();
                        }

                        @Override
                        public boolean isWallClockBased() {
                            return false;
                        }
                    })
                    .build();
        }

        private static Bandwidth limit(long perSecond) {
            return Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build();
        }

        Decision tryAcquire(long size) {
            if (ops != null) {
                ConsumptionProbe probe = ops.tryConsumeAndReturnRemaining(1);
                if (!probe.isConsumed()) {
                    return throttled("ops", probe.getNanosToWaitForRefill());
                }
            }
            if (bytes != null && size > 0) {
                // a request larger than a second's worth waits for a full bucket rather than never passing,
                // and is then counted in full: the bucket goes into debt, which later requests wait out
                long take = Math.min(size, share.bytesPerSecond());
                ConsumptionProbe probe = bytes.tryConsumeAndReturnRemaining(take);
                if (!probe.isConsumed()) {
                    if (ops != null) {
                        ops.addTokens(1);
                    }
                    return throttled("bytes", probe.getNanosToWaitForRefill());
                }
                if (size > take) {
                    bytes.consumeIgnoringRateLimits(size - take);
                }
            }
            return new Decision.Admitted();
        }

        private static Decision throttled(String limit, long nanos) {
            return new Decision.Throttled(limit, Duration.ofMillis(Math.max(1, (nanos + 999_999) / 1_000_000)));
        }

        synchronized void count(boolean wasAdmitted, long now) {
            roll(now);
            if (wasAdmitted) {
                admitted++;
            } else {
                throttled++;
            }
        }

        synchronized Recent recent(long now) {
            roll(now);
            if (lastAdmitted >= 0) {
                return new Recent(lastAdmitted * 1e9 / WINDOW_NANOS, lastThrottled);
            }
            double seconds = Math.max(1e-9, (now - windowStart) / 1e9);
            return new Recent(admitted / Math.max(1.0, seconds), throttled);
        }

        private void roll(long now) {
            long elapsed = now - windowStart;
            if (elapsed < WINDOW_NANOS) {
                return;
            }
            boolean idleWindowBetween = elapsed >= 2 * WINDOW_NANOS;
            lastAdmitted = idleWindowBetween ? 0 : admitted;
            lastThrottled = idleWindowBetween ? 0 : throttled;
            admitted = 0;
            throttled = 0;
            windowStart = now - elapsed % WINDOW_NANOS;
        }
    }
}
