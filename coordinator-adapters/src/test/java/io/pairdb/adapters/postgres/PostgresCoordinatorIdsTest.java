package io.pairdb.adapters.postgres;

import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.testing.CoordinatorIdsContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

class PostgresCoordinatorIdsTest extends CoordinatorIdsContract {
    @Override
    protected CoordinatorIds emptyPool() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresCoordinatorIds.class);
    }

    @Override
    protected void expireLeases() {
        // the leases are PostgreSQL's clock: end them there rather than wait
        try (Connection c = PostgresTestServer.endpoint().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE coordinator_ids SET lease_until = now() - interval '1 second'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Duration shortLease() {
        return Duration.ofSeconds(30);
    }
}
