package io.pairdb.adapters.postgres;

import io.pairdb.core.testing.CleanupStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresCleanupStoreTest extends CleanupStoreContract {
    @Override
    protected Stores emptyStores() {
        PostgresTestServer.reset();
        var context = PostgresTestServer.context();
        return new Stores(context.getBean(PostgresTopologyStore.class), context.getBean(PostgresChangeStore.class),
                context.getBean(PostgresCleanupStore.class));
    }

    @Override
    protected void expireClaims() {
        // claims are PostgreSQL's clock: end them there rather than wait
        try (Connection c = PostgresTestServer.endpoint().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE range_cleanups SET claim_expires_at = now() - interval '1 second'"
                    + " WHERE claimed_by IS NOT NULL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
