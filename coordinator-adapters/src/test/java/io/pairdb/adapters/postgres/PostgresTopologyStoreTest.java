package io.pairdb.adapters.postgres;

import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.testing.TopologyStoreContract;

class PostgresTopologyStoreTest extends TopologyStoreContract {
    @Override
    protected TopologyStore emptyStore() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresTopologyStore.class);
    }
}
