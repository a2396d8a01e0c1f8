package io.pairdb.core.tenant;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.ring.TopologyView;
import io.pairdb.core.topology.ClusterTopology;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Tenants and their replication factor, with a cache in front of the store. An entry is used
 * until its TTL (default 5 minutes) runs out or the coordinator serves another ring epoch: every
 * change of a tenant's RF bumps the epoch (see {@link io.pairdb.core.topology.ChangeReplicationFactor}),
 * so a coordinator that serves the change's epoch routes the tenant by its new RF, which is what
 * the change waits for before streaming. Changing an RF goes through that change, not through here.
 */
public final class TenantService {
    /**
     * Bounds on replication factors, shared by every path that sets one, and how long a tenant (or
     * the fact that there is none) is remembered.
     */
    public record Settings(int defaultReplicationFactor, int maxReplicationFactor, Duration cacheTtl,
                           Duration missingTtl) {
        /** An unknown tenant is looked up again after this; short, as another coordinator may create it. */
        public static final Duration DEFAULT_MISSING_TTL = Duration.ofSeconds(2);

        public Settings {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            Objects.requireNonNull(missingTtl, "missingTtl");
            if (cacheTtl.isNegative() || missingTtl.isNegative()) {
                throw new IllegalArgumentException("cache TTLs must not be negative");
            }
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

        public Settings(int defaultReplicationFactor, int maxReplicationFactor, Duration cacheTtl) {
            this(defaultReplicationFactor, maxReplicationFactor, cacheTtl, DEFAULT_MISSING_TTL);
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

        /** The ring changed under each of the {@code attempts} checks of the RF; nothing was created. */
        record RingKeptMoving(TenantId id, int attempts) implements CreateOutcome {
        }

        /**
         * A node is joining or leaving ({@code state}); nothing was created. A change's streams are
         * planned for the tenants that exist when it starts, and are what it copies again to a new
         * replica that lost its disk before the change ended: a tenant created meanwhile would have
         * its writes to that replica lost. Retry once the change has ended.
         */
        record NodeChangeInFlight(TenantId id, NodeId node, NodeState state) implements CreateOutcome {
        }
    }

    public sealed interface SetSpeculationOutcome {
        record Updated(Tenant tenant) implements SetSpeculationOutcome {
        }

        record NotFound(TenantId id) implements SetSpeculationOutcome {
        }

        /** The tenant kept changing under the request (another update won every try). */
        record ConcurrentModification(TenantId id) implements SetSpeculationOutcome {
        }
    }

    public sealed interface SetQuotaOutcome {
        record Updated(Tenant tenant) implements SetQuotaOutcome {
        }

        record NotFound(TenantId id) implements SetQuotaOutcome {
        }

        /** The tenant kept changing under the request (another update won every try). */
        record ConcurrentModification(TenantId id) implements SetQuotaOutcome {
        }
    }

    /** Tries of a tenant update that loses to concurrent ones before it gives up. */
    private static final int UPDATE_TRIES = 5;
    /** Checks of a new tenant's RF against a ring that keeps moving before creating it is given up. */
    private static final int CREATE_ATTEMPTS = 3;

    /**
     * What the store said about a tenant (empty: there is none), as loaded while the coordinator
     * served ring epoch {@code epoch}.
     */
    private record Cached(Optional<Tenant> tenant, long expiresAtMillis, long epoch) {
    }

    private final TenantStore store;
    private final ClusterTopology topology;
    private final Clock clock;
    private final TenantEvents events;
    private final Settings settings;
    private final ConcurrentHashMap<TenantId, Cached> cache = new ConcurrentHashMap<>();
    /**
     * Loads running now, the latest per tenant, which lookups of that tenant at the epoch it began
     * (or an earlier one) share.
     */
    private final ConcurrentHashMap<TenantId, Load> loading = new ConcurrentHashMap<>();

    /**
     * A load under way, and the ring epoch served when it began: only lookups at that epoch or an
     * earlier one share it.
     */
    private record Load(long epoch, CompletableFuture<Optional<Tenant>> result) {
    }

    public TenantService(TenantStore store, ClusterTopology topology, Clock clock, TenantEvents events,
                         Settings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Creates a tenant; {@code replicationFactor} empty means the default. Refused while a node joins
     * or leaves ({@link CreateOutcome.NodeChangeInFlight}). The RF is checked against the ring as
     * stored, and the tenant is stored only while the ring is still at that epoch: a node change
     * started meanwhile (by any coordinator) is seen, and the checks made again.
     */
    public CreateOutcome create(TenantId id, Optional<Integer> replicationFactor) {
        int rf = replicationFactor.orElse(settings.defaultReplicationFactor());
        for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
            // the ring as stored: a node another coordinator registered counts, one being decommissioned does not
            TopologyView ring = topology.refresh();
            Optional<StorageNode> moving = ring.nodes().stream()
                    .filter(n -> n.state() != NodeState.NORMAL && n.state() != NodeState.LEFT)
                    .min(Comparator.comparing(n -> n.id().value()));
            if (moving.isPresent()) {
                // checked at the epoch the insert requires: a change that starts meanwhile moves it, and is seen
                return new CreateOutcome.NodeChangeInFlight(id, moving.get().id(), moving.get().state());
            }
            Optional<String> invalid = settings.check(rf, ring.lastingNodeCount());
            if (invalid.isPresent()) {
                return new CreateOutcome.InvalidReplicationFactor(invalid.get());
            }
            var now = clock.now();
            Tenant tenant = new Tenant(id, rf, now, now, 1);
            switch (store.insertAt(tenant, ring.epoch())) {
                case INSERTED -> {
                    cache.remove(id);
                    // the insert moved the ring epoch: this coordinator serves it at once
                    topology.reload();
                    return new CreateOutcome.Created(tenant);
                }
                case ALREADY_EXISTS -> {
                    return new CreateOutcome.AlreadyExists(id);
                }
                case RING_MOVED -> {
                    // checked again against the ring as it is now
                }
            }
        }
        return new CreateOutcome.RingKeptMoving(id, CREATE_ATTEMPTS);
    }

    /**
     * The tenant, from the cache when fresh. A tenant the store does not have is remembered as
     * missing for {@link Settings#missingTtl()}, so requests naming it do not each go to the store;
     * creating it here forgets that at once, another coordinator's creation is seen when it runs out.
     */
    public Optional<Tenant> find(TenantId id) {
        Optional<Cached> fresh = cached(id, clock.nowMillis(), topology.current().epoch());
        if (fresh.isPresent()) {
            return fresh.get().tenant();
        }
        return load(id);
    }

    /**
     * The tenant like {@link #find}, without making the caller's thread wait on the store: a
     * fresh cache entry answers at once, a miss is loaded on {@code loader}, and lookups of a
     * tenant that is being loaded share that load. The request path runs on event loops, which
     * must never block on the database; a caller bounds its own wait (the load goes on).
     */
    public CompletableFuture<Optional<Tenant>> findAsync(TenantId id, Scheduler loader) {
        long epoch = topology.current().epoch();
        Optional<Cached> fresh = cached(id, clock.nowMillis(), epoch);
        if (fresh.isPresent()) {
            return CompletableFuture.completedFuture(fresh.get().tenant());
        }
        // A load begun at an earlier epoch may have read the tenant before a change of that epoch committed
        // (an RF raise): a request this coordinator takes once it serves the new epoch must not route by it,
        // or its write can miss the streams the change starts once every coordinator reported the epoch.
        Load mine = new Load(epoch, new CompletableFuture<>());
        Load shared = loading.compute(id, (k, running) -> running != null && running.epoch() >= epoch ? running : mine);
        if (shared != mine) {
            return shared.result().copy();
        }
        CompletableFuture<Optional<Tenant>> started = mine.result();
        try {
            loader.execute(() -> {
                Optional<Tenant> loaded;
                try {
                    loaded = load(id);
                } catch (RuntimeException e) {
                    // gone from the shared loads before anyone hears of it, so a retry starts a fresh load
                    loading.remove(id, mine);
                    started.completeExceptionally(e);
                    return;
                }
                loading.remove(id, mine);
                started.complete(loaded);
            });
        } catch (RuntimeException e) {
            loading.remove(id, mine);
            started.completeExceptionally(e);
        }
        return started.copy();
    }

    private Optional<Tenant> load(TenantId id) {
        long now = clock.nowMillis();
        long epoch = topology.current().epoch();
        events.cacheMiss();
        Optional<Tenant> loaded = store.find(id);
        if (loaded.isPresent()) {
            // a tenant is created with an epoch bump: refreshing the ring after reading the tenant serves at
            // least that epoch, so no change started before the tenant existed misses its writes (the entry
            // keeps the epoch read before the load: an RF changed in between must not be cached as current)
            topology.refresh();
        }
        Duration ttl = loaded.isPresent() ? settings.cacheTtl() : settings.missingTtl();
        cache.put(id, new Cached(loaded, now + ttl.toMillis(), epoch));
        return loaded;
    }

    /** The cache entry if it is within its TTL and of the ring epoch served now (a hit). */
    private Optional<Cached> cached(TenantId id, long nowMillis, long epoch) {
        Cached cached = cache.get(id);
        if (cached == null || cached.expiresAtMillis() <= nowMillis || cached.epoch() != epoch) {
            return Optional.empty();
        }
        events.cacheHit();
        return Optional.of(cached);
    }

    /**
     * Sets when the read before one of the tenant's writes asks a spare replica ({@code policy}
     * empty: the coordinator's default again). This coordinator uses it at once; others once their
     * cache entry of the tenant runs out ({@link Settings#cacheTtl()}).
     */
    public SetSpeculationOutcome setSpeculation(TenantId id, Optional<SpeculationPolicy> policy) {
        Objects.requireNonNull(policy, "policy");
        return switch (update(id, t -> t.withSpeculation(policy, clock.now()), store::update)) {
            case Updated u -> new SetSpeculationOutcome.Updated(u.tenant());
            case Missing m -> new SetSpeculationOutcome.NotFound(id);
            case Contended c -> new SetSpeculationOutcome.ConcurrentModification(id);
        };
    }

    /**
     * Sets what the tenant may send to the cluster per second ({@link TenantQuota#UNLIMITED}: no
     * limit). This coordinator enforces it at once; the change bumps the ring epoch, so every other
     * coordinator enforces it as soon as it serves that epoch (not after its cache TTL).
     */
    public SetQuotaOutcome setQuota(TenantId id, TenantQuota quota) {
        Objects.requireNonNull(quota, "quota");
        return switch (update(id, t -> t.withQuota(quota, clock.now()), store::updateAndBumpEpoch)) {
            case Updated u -> new SetQuotaOutcome.Updated(u.tenant());
            case Missing m -> new SetQuotaOutcome.NotFound(id);
            case Contended c -> new SetQuotaOutcome.ConcurrentModification(id);
        };
    }

    private sealed interface Update {
    }

    private record Updated(Tenant tenant) implements Update {
    }

    private record Missing() implements Update {
    }

    private record Contended() implements Update {
    }

    /** How an update is stored: {@link TenantStore#update} or {@link TenantStore#updateAndBumpEpoch}. */
    @FunctionalInterface
    private interface StoreUpdate {
        Optional<Tenant> apply(Tenant updated, long expectedVersion);
    }

    /** Applies {@code change} to the stored tenant under its version, trying again when another update wins. */
    private Update update(TenantId id, UnaryOperator<Tenant> change, StoreUpdate storing) {
        for (int attempt = 0; attempt < UPDATE_TRIES; attempt++) {
            Optional<Tenant> current = store.find(id);
            if (current.isEmpty()) {
                return new Missing();
            }
            Tenant updated = change.apply(current.get());
            Optional<Tenant> stored = storing.apply(updated, current.get().version());
            if (stored.isEmpty()) {
                return new Missing();
            }
            if (stored.get().equals(updated)) {
                cache.remove(id);
                return new Updated(updated);
            }
        }
        return new Contended();
    }

    public List<Tenant> list() {
        return store.list();
    }

}
