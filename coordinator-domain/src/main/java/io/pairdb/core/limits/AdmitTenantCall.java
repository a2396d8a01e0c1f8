package io.pairdb.core.limits;

import io.pairdb.core.PairDbException;
import io.pairdb.core.Timeouts;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.TenantRateLimiter;
import io.pairdb.core.port.TenantRateLimiter.Decision;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a tenant's data request through if the tenant is within this coordinator's share of its
 * quota: the quota divided by the live coordinators (as last counted, {@link #liveCoordinators}).
 * A tenant without a quota, and an unknown tenant (the request then answers that), always pass.
 * The tenant comes from the {@link TenantService} cache, so a changed quota applies here once
 * that entry is reloaded. Thread-safe.
 */
public final class AdmitTenantCall {
    private final TenantService tenants;
    private final TenantRateLimiter limiter;
    private final Scheduler loader;
    private final AtomicInteger live = new AtomicInteger(1);

    public AdmitTenantCall(TenantService tenants, TenantRateLimiter limiter, Scheduler loader) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** Records how many coordinators are live now (this one included); less than one counts as one. */
    public void liveCoordinators(int count) {
        live.set(Math.max(1, count));
    }

    public int liveCoordinators() {
        return live.get();
    }

    /**
     * Whether a request of {@code bytes} request bytes from {@code tenant} may go on. Completes
     * exceptionally only when the tenant cannot be looked up, with a {@link PairDbException} at the
     * latest once {@code within} (what is left of the request's deadline) has passed: a tenant store
     * that does not answer must not hold the request past it.
     */
    public CompletableFuture<Decision> execute(TenantId tenant, long bytes, Duration within) {
        return Timeouts.bound(loader, tenants.findAsync(tenant, loader), within,
                        () -> new PairDbException("tenant " + tenant,
                                "the tenant store did not answer within the request's deadline"))
                .thenApply(found -> decide(tenant, found, bytes));
    }

    private Decision decide(TenantId id, Optional<Tenant> tenant, long bytes) {
        if (tenant.isEmpty() || tenant.get().quota().unlimited()) {
            return new Decision.Admitted();
        }
        return limiter.tryAcquire(id, tenant.get().quota().share(live.get()), bytes);
    }

    /** What the limiter saw of the tenant lately, on this coordinator. */
    public TenantRateLimiter.Recent recent(TenantId tenant) {
        return limiter.recent(tenant);
    }
}
