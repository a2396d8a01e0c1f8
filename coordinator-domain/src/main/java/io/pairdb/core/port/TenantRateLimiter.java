package io.pairdb.core.port;

import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether a tenant is over its rate on this coordinator. Each tenant has its own budget of
 * requests and request bytes per second, refilled continuously at the rates of the
 * {@link TenantQuota} passed with each call (the coordinator's share of the tenant's quota): a
 * burst of up to one second's worth is let through, beyond it a request is refused until the
 * budget refills. A refused request consumes nothing; an admitted one consumes one request and its
 * bytes. A changed quota applies from the next call. An unlimited quota admits every call and
 * consumes nothing. Never blocks. Thread-safe.
 */
public interface TenantRateLimiter {
    /** Whether the request was let through. */
    sealed interface Decision {
        record Admitted() implements Decision {
        }

        /**
         * Over the share: {@code limit} says which rate ({@code ops} or {@code bytes}), {@code retryAfter}
         * when the budget will hold this request again (at least 1 ms).
         */
        record Throttled(String limit, Duration retryAfter) implements Decision {
            public Throttled {
                Objects.requireNonNull(limit, "limit");
                Objects.requireNonNull(retryAfter, "retryAfter");
            }
        }
    }

    /** What the limiter saw of a tenant lately (for operators; not exact). */
    record Recent(double admittedPerSecond, long throttled) {
    }

    /**
     * Takes one request of {@code bytes} request bytes from the tenant's budget, if it holds it.
     *
     * @param share the rates this coordinator allows the tenant
     */
    Decision tryAcquire(TenantId tenant, TenantQuota share, long bytes);

    /** The tenant's admitted requests per second over the last minute or so, and the requests throttled in it. */
    Recent recent(TenantId tenant);
}
