package io.pairdb.core.port;

import io.pairdb.core.testing.CoordinatorIdsContract;
import io.pairdb.core.testing.HintStoreContract;
import io.pairdb.core.testing.InMemoryCoordinatorIds;
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
    class TenantStoreFake extends TenantStoreContract {
        @Override
        protected TenantStore emptyStore() {
            return new InMemoryTenantStore();
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
}
