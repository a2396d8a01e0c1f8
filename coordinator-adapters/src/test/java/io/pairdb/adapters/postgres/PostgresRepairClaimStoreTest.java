package io.pairdb.adapters.postgres;

import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.testing.RepairClaimStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresRepairClaimStoreTest extends RepairClaimStoreContract {
    @Override
    protected RepairClaimStore emptyStore() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresRepairClaimStore.class);
    }

    @Override
    protected void expireClaims() {
        // leases are PostgreSQL's clock: end them there rather than wait
        try (Connection c = PostgresTestServer.endpoint().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE repair_schedule SET claim_expires_at = now() - interval '1 second'"
                    + " WHERE claim_owner IS NOT NULL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
