package io.pairdb.simulation;

import io.pairdb.core.port.Clock;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryCleanupStore;
import io.pairdb.core.testing.InMemoryCoordinatorIds;
import io.pairdb.core.testing.InMemoryCoordinatorRegistry;
import io.pairdb.core.testing.InMemoryHintStore;
import io.pairdb.core.testing.InMemoryIdempotencyStore;
import io.pairdb.core.testing.InMemoryRepairClaimStore;
import io.pairdb.core.testing.InMemoryRepairStore;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;

/**
 * What stands for PostgreSQL and Redis: the core's in-memory stores (the same ones its contract
 * tests check against the real adapters), timed by the true clock as the servers' own clocks are,
 * and how each server behaves right now. Coordinators reach them only through {@link StoreClients}.
 */
final class SharedStores {
    /** How a server behaves. */
    enum Health {
        HEALTHY,
        /** Every call takes from 50 ms to a few seconds. */
        SLOW,
        /** Every call fails (the server answers errors); now and then after it took effect. */
        FAILING
    }

    static final String POSTGRES = "postgres";
    static final String REDIS = "redis";

    final InMemoryTopologyStore topology = new InMemoryTopologyStore();
    /** Creating a tenant moves the ring epoch, as in PostgreSQL's one transaction. */
    final InMemoryTenantStore tenants = new InMemoryTenantStore(topology);
    final InMemoryChangeStore changes;
    final InMemoryCleanupStore cleanups;
    final InMemoryHintStore hints;
    final InMemoryCoordinatorRegistry registry;
    final InMemoryCoordinatorIds ids;
    final InMemoryIdempotencyStore idempotency;
    final InMemoryRepairStore repairs;
    final InMemoryRepairClaimStore repairClaims;
    Health postgres = Health.HEALTHY;
    Health redis = Health.HEALTHY;

    SharedStores(Clock serverClock) {
        this.changes = new InMemoryChangeStore(topology, tenants, serverClock);
        this.cleanups = new InMemoryCleanupStore(changes, serverClock);
        this.hints = new InMemoryHintStore(serverClock);
        this.registry = new InMemoryCoordinatorRegistry(serverClock);
        this.ids = new InMemoryCoordinatorIds(serverClock);
        this.idempotency = new InMemoryIdempotencyStore(serverClock);
        this.repairs = new InMemoryRepairStore(changes, serverClock);
        this.repairClaims = new InMemoryRepairClaimStore(serverClock);
    }

    Health health(String server) {
        return POSTGRES.equals(server) ? postgres : redis;
    }

    void health(String server, Health health) {
        if (POSTGRES.equals(server)) {
            postgres = health;
        } else {
            redis = health;
        }
    }
}
