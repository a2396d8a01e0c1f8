package io.pairdb.adapters.postgres;

import io.pairdb.core.port.TenantStore;
import io.pairdb.core.testing.TenantStoreContract;

class PostgresTenantStoreTest extends TenantStoreContract {
    @Override
    protected TenantStore emptyStore() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresTenantStore.class);
    }

    @Override
    protected long ringEpoch() {
        return PostgresTestServer.context().getBean(PostgresTopologyStore.class).epoch();
    }
}
