package io.pairdb.core.port;

import io.pairdb.core.testing.ApiKeyStoreContract;
import io.pairdb.core.testing.ChangeStoreContract;
import io.pairdb.core.testing.InMemoryApiKeyStore;
import io.pairdb.core.testing.CoordinatorIdsContract;
import io.pairdb.core.testing.CoordinatorRegistryContract;
import io.pairdb.core.testing.StorageRangesContract;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.testing.HintStoreContract;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryCoordinatorIds;
import io.pairdb.core.testing.InMemoryCoordinatorRegistry;
import io.pairdb.core.testing.IdempotencyStoreContract;
import io.pairdb.core.testing.InMemoryHintStore;
import io.pairdb.core.testing.InMemoryIdempotencyStore;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.TenantStoreContract;
import io.pairdb.core.testing.TopologyStoreContract;
import org.junit.jupiter.api.Nested;

/** The in-memory fakes honour the same contracts as the real adapters. */
class InMemoryPortsContractTest {
    @Nested
    class ApiKeyStoreFake extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore emptyStore() {
            return new InMemoryApiKeyStore();
        }
    }

    @Nested
    class TenantStoreFake extends TenantStoreContract {
        private InMemoryTenantStore store;

        @Override
        protected TenantStore emptyStore() {
            store = new InMemoryTenantStore();
            return store;
        }

        @Override
        protected long ringEpoch() {
            return store.ringEpoch();
        }
    }

    @Nested
    class TopologyStoreFake extends TopologyStoreContract {
        @Override
        protected TopologyStore emptyStore() {
            return new InMemoryTopologyStore();
        }
    }

    @Nested
    class IdempotencyStoreFake extends IdempotencyStoreContract {
        @Override
        protected IdempotencyStore emptyStore() {
            return new InMemoryIdempotencyStore(new ManualClock());
        }
    }

    @Nested
    class CoordinatorIdsFake extends CoordinatorIdsContract {
        private final ManualClock clock = new ManualClock();

        @Override
        protected CoordinatorIds emptyPool() {
            return new InMemoryCoordinatorIds(clock);
        }

        @Override
        protected void expireLeases() {
            clock.advance(java.time.Duration.ofMinutes(2));
        }

        @Override
        protected java.time.Duration shortLease() {
            return java.time.Duration.ofSeconds(1);
        }
    }

    @Nested
    class HintStoreFake extends HintStoreContract {
        @Override
        protected HintStore emptyStore() {
            return new InMemoryHintStore();
        }
    }

    @Nested
    class ChangeStoreFake extends ChangeStoreContract {
        private final ManualClock clock = new ManualClock();

        @Override
        protected Stores emptyStores() {
            InMemoryTopologyStore nodes = new InMemoryTopologyStore();
            InMemoryTenantStore tenants = new InMemoryTenantStore(nodes);
            return new Stores(nodes, tenants, new InMemoryChangeStore(nodes, tenants, clock));
        }

        @Override
        protected void expireLeases() {
            clock.advance(java.time.Duration.ofHours(1));
        }
    }

    @Nested
    class CleanupStoreFake extends io.pairdb.core.testing.CleanupStoreContract {
        private final ManualClock clock = new ManualClock();
        private io.pairdb.core.testing.InMemoryCleanupStore cleanups;

        @Override
        protected Stores emptyStores() {
            InMemoryTopologyStore nodes = new InMemoryTopologyStore();
            InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
            cleanups = new io.pairdb.core.testing.InMemoryCleanupStore(changes, clock);
            return new Stores(nodes, changes, cleanups);
        }

        @Override
        protected void expireClaims() {
            cleanups.expireClaims();
        }
    }

    @Nested
    class RepairStoreFake extends io.pairdb.core.testing.RepairStoreContract {
        private final ManualClock clock = new ManualClock();
        private io.pairdb.core.testing.InMemoryRepairStore runs;

        @Override
        protected Stores emptyStores() {
            InMemoryTopologyStore nodes = new InMemoryTopologyStore();
            InMemoryChangeStore changes = new InMemoryChangeStore(nodes, clock);
            runs = new io.pairdb.core.testing.InMemoryRepairStore(changes, clock);
            return new Stores(nodes, changes, runs);
        }

        @Override
        protected void expireLeases() {
            runs.expireLeases();
        }
    }

    @Nested
    class RepairClaimStoreFake extends io.pairdb.core.testing.RepairClaimStoreContract {
        private io.pairdb.core.testing.InMemoryRepairClaimStore store;

        @Override
        protected RepairClaimStore emptyStore() {
            store = new io.pairdb.core.testing.InMemoryRepairClaimStore(new ManualClock());
            return store;
        }

        @Override
        protected void expireClaims() {
            store.expireClaims();
        }
    }

    @Nested
    class CoordinatorRegistryFake extends CoordinatorRegistryContract {
        private final ManualClock clock = new ManualClock();

        @Override
        protected CoordinatorRegistry emptyRegistry() {
            return new InMemoryCoordinatorRegistry(clock);
        }

        @Override
        protected void ageHeartbeats(java.time.Duration by) {
            clock.advance(by);
        }
    }

    @Nested
    class StorageRangesFake extends StorageRangesContract {
        private final InMemoryStorageRanges ranges = new InMemoryStorageRanges();

        @Override
        protected StorageRanges ranges() {
            return ranges;
        }

        @Override
        protected io.pairdb.core.node.StorageNode emptyNode() {
            java.time.Instant now = java.time.Instant.EPOCH;
            return new io.pairdb.core.node.StorageNode(new io.pairdb.core.node.NodeId("node-" + System.nanoTime()),
                    "127.0.0.1", 7000, 16, io.pairdb.core.node.NodeState.NORMAL, io.pairdb.core.node.Liveness.UP, now, now);
        }

        @Override
        protected void failScans(io.pairdb.core.node.StorageNode node) {
            ranges.failScans(node.id(), true);
        }
    }
}
