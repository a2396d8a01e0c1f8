package io.pairdb.adapters.postgres;

import io.pairdb.core.testing.RepairStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresRepairStoreTest extends RepairStoreContract {
    @Override
    protected Stores emptyStores() {
        PostgresTestServer.reset();
        var context = PostgresTestServer.context();
        return new Stores(context.getBean(PostgresTopologyStore.class), context.getBean(PostgresChangeStore.class),
                context.getBean(PostgresRepairStore.class));
    }

    @Override
    protected void expireLeases() {
        // leases are PostgreSQL's clock: end them there rather than wait
        try (Connection c = PostgresTestServer.endpoint().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE repair_runs SET lease_expires_at = now() - interval '1 second'"
                    + " WHERE lease_owner IS NOT NULL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
