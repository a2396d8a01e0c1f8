package io.pairdb.adapters.postgres;

import io.pairdb.core.testing.ChangeStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresChangeStoreTest extends ChangeStoreContract {
    @Override
    protected Stores emptyStores() {
        PostgresTestServer.reset();
        var context = PostgresTestServer.context();
        return new Stores(context.getBean(PostgresTopologyStore.class), context.getBean(PostgresTenantStore.class),
                context.getBean(PostgresChangeStore.class));
    }

    @Override
    protected void expireLeases() {
        // leases are PostgreSQL's clock: end them there rather than wait
        try (Connection c = PostgresTestServer.endpoint().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE pending_changes SET lease_expires_at = now() - interval '1 second'"
                    + " WHERE lease_owner IS NOT NULL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
