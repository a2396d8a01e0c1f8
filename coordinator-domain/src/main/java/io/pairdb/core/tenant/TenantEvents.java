package io.pairdb.core.tenant;

/**
 * What the tenant lookups report: answered from the cache, or from the store. One adapter records
 * them as metrics. Thread-safe; never throws.
 */
public interface TenantEvents {
    /** A lookup answered from the cache. */
    void cacheHit();

    /** A lookup that went to the store (the tenant was not cached, its entry had run out, or the ring moved). */
    void cacheMiss();

    TenantEvents NONE = new TenantEvents() {
        @Override
        public void cacheHit() {
        }

        @Override
        public void cacheMiss() {
        }
    };
}
