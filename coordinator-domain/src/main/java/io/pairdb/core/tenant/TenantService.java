package io.pairdb.core.tenant;

import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorMetrics;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants and their replication factor, with a cache in front of the store. An entry is used
 * until its TTL (default 5 minutes) runs out or the coordinator serves another ring epoch: every
 * change of a tenant's RF bumps the epoch (see {@link io.pairdb.core.topology.ChangeReplicationFactor}),
 * so a coordinator that serves the change's epoch routes the tenant by its new RF, which is what
 * the change waits for before streaming. Changing an RF goes through that change, not through here.
 */
public final class TenantService {
    /** Bounds on replication factors, shared by every path that sets one. */
    public record Settings(int defaultReplicationFactor, int maxReplicationFactor, Duration cacheTtl) {
        public Settings {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            if (maxReplicationFactor < 1) {
                throw new IllegalArgumentException("max replication factor must be at least 1");
            }
            if (defaultReplicationFactor < 1 || defaultReplicationFactor > maxReplicationFactor) {
                throw new IllegalArgumentException("default replication factor must be 1-" + maxReplicationFactor);
            }
        }

        /**
         * Why {@code rf} cannot be a tenant's replication factor on a ring of {@code nodes} nodes,
         * or empty when it can: every path that sets an RF checks it here.
         */
        public Optional<String> check(int rf, int nodes) {
            if (rf < 1 || rf > maxReplicationFactor) {
                return Optional.of("replication factor must be between 1 and " + maxReplicationFactor + ", was " + rf);
            }
            if (rf > nodes) {
                return Optional.of("replication factor " + rf + " exceeds the " + nodes
                        + " storage nodes in the ring; add nodes first");
            }
            return Optional.empty();
        }

        public static Settings defaults() {
            return new Settings(3, 5, Duration.ofMinutes(5));
        }
    }

    public sealed interface CreateOutcome {
        record Created(Tenant tenant) implements CreateOutcome {
        }

        record AlreadyExists(TenantId id) implements CreateOutcome {
        }

        record InvalidReplicationFactor(String reason) implements CreateOutcome {
        }
    }

    /** A cached tenant, as loaded while the coordinator served ring epoch {@code epoch}. */
    private record Cached(Tenant tenant, long expiresAtMillis, long epoch) {
    }

    private final TenantStore store;
    private final ClusterTopology topology;
    private final Clock clock;
    private final CoordinatorMetrics metrics;
    private final Settings settings;
    private final ConcurrentHashMap<TenantId, Cached> cache = new ConcurrentHashMap<>();

    public TenantService(TenantStore store, ClusterTopology topology, Clock clock, CoordinatorMetrics metrics,
                         Settings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    /** Creates a tenant; {@code replicationFactor} empty means the default. */
    public CreateOutcome create(TenantId id, Optional<Integer> replicationFactor) {
        int rf = replicationFactor.orElse(settings.defaultReplicationFactor());
        Optional<String> invalid = checkReplicationFactor(rf);
        if (invalid.isPresent()) {
            return new CreateOutcome.InvalidReplicationFactor(invalid.get());
        }
        var now = clock.now();
        Tenant tenant = new Tenant(id, rf, now, now, 1);
        if (store.insert(tenant) == TenantStore.InsertOutcome.ALREADY_EXISTS) {
            return new CreateOutcome.AlreadyExists(id);
        }
        cache.remove(id);
        return new CreateOutcome.Created(tenant);
    }

    /** The tenant, from the cache when fresh. */
    public Optional<Tenant> find(TenantId id) {
        long now = clock.nowMillis();
        long epoch = topology.current().epoch();
        Optional<Tenant> fresh = cached(id, now, epoch);
        if (fresh.isPresent()) {
            return fresh;
        }
        metrics.tenantCacheMiss();
        Optional<Tenant> loaded = store.find(id);
        if (loaded.isPresent()) {
            // a tenant is created with an epoch bump: refreshing the ring after reading the tenant serves at
            // least that epoch, so no change started before the tenant existed misses its writes (the entry
            // keeps the epoch read before the load: an RF changed in between must not be cached as current)
            topology.refresh();
        }
        // absent tenants are not cached, so a tenant created elsewhere is usable at once
        loaded.ifPresentOrElse(
                t -> cache.put(id, new Cached(t, now + settings.cacheTtl().toMillis(), epoch)),
                () -> cache.remove(id));
        return loaded;
    }

    /**
     * The tenant like {@link #find}, without making the caller's thread wait on the store: a
     * fresh cache entry answers at once, a miss is loaded on {@code loader}. The request path
     * runs on event loops, which must never block on the database.
     */
    public CompletableFuture<Optional<Tenant>> findAsync(TenantId id, Scheduler loader) {
        Optional<Tenant> fresh = cached(id, clock.nowMillis(), topology.current().epoch());
        if (fresh.isPresent()) {
            return CompletableFuture.completedFuture(fresh);
        }
        CompletableFuture<Optional<Tenant>> loaded = new CompletableFuture<>();
        loader.execute(() -> {
            try {
                loaded.complete(find(id));
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        });
        return loaded;
    }

    /** The cached tenant if its entry is within its TTL and of the ring epoch served now (a hit). */
    private Optional<Tenant> cached(TenantId id, long nowMillis, long epoch) {
        Cached cached = cache.get(id);
        if (cached == null || cached.expiresAtMillis() <= nowMillis || cached.epoch() != epoch) {
            return Optional.empty();
        }
        metrics.tenantCacheHit();
        return Optional.of(cached.tenant());
    }

    public List<Tenant> list() {
        return store.list();
    }

    private Optional<String> checkReplicationFactor(int rf) {
        return settings.check(rf, topology.current().currentNodeCount());
    }
}
