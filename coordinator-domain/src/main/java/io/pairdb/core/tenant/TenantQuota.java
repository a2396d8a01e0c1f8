package io.pairdb.core.tenant;

/**
 * How much a tenant may send to the whole cluster: requests per second and request bytes per
 * second, each 0 for unlimited. Each coordinator enforces its {@link #share share} of it.
 */
public record TenantQuota(long opsPerSecond, long bytesPerSecond) {
    /** No limit on either. */
    public static final TenantQuota UNLIMITED = new TenantQuota(0, 0);

    public TenantQuota {
        if (opsPerSecond < 0) {
            throw new IllegalArgumentException("operations per second must be 0 (unlimited) or more, was " + opsPerSecond);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytes per second must be 0 (unlimited) or more, was " + bytesPerSecond);
        }
    }

    public boolean unlimited() {
        return opsPerSecond == 0 && bytesPerSecond == 0;
    }

    /**
     * What one of {@code coordinators} live coordinators lets through: each limit divided among
     * them, rounded up and at least 1 (so a set limit never becomes unlimited); unlimited stays so.
     * Fewer than one coordinator counts as one (this one is live).
     */
    public TenantQuota share(int coordinators) {
        int n = Math.max(1, coordinators);
        return new TenantQuota(divide(opsPerSecond, n), divide(bytesPerSecond, n));
    }

    private static long divide(long limit, int n) {
        // ceiling division that cannot overflow, even for Long.MAX_VALUE
        return limit == 0 ? 0 : Math.max(1, Math.ceilDiv(limit, n));
    }
}
