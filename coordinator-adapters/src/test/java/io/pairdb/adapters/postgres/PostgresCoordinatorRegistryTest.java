package io.pairdb.adapters.postgres;

import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.testing.CoordinatorRegistryContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

class PostgresCoordinatorRegistryTest extends CoordinatorRegistryContract {
    @Override
    protected CoordinatorRegistry emptyRegistry() {
        PostgresTestServer.reset();
        return PostgresTestServer.context().getBean(PostgresCoordinatorRegistry.class);
    }

    @Override
    protected void ageHeartbeats(Duration by) {
        try (Connection c = PostgresTestServer.endpoint().connect();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE coordinators SET heartbeat_at = heartbeat_at - make_interval(secs => ?)")) {
            s.setDouble(1, by.toSeconds());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
