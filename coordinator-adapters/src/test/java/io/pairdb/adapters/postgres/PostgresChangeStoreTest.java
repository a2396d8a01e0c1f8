package io.pairdb.adapters.postgres;

import io.pairdb.core.testing.ChangeStoreContract;
import io.pairdb.core.topology.ChangeId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    protected TakeOver takeOverUncommitted(ChangeId id, String owner) {
        try {
            Connection c = PostgresTestServer.endpoint().connect();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("UPDATE pending_changes SET lease_owner = ?,"
                    + " lease_expires_at = now() + interval '1 minute' WHERE change_id = ?")) {
                s.setString(1, owner);
                s.setString(2, id.value());
                s.executeUpdate();
            }
            return new TakeOver() {
                @Override
                public boolean holdsBack() {
                    try (Connection other = PostgresTestServer.endpoint().connect();
                         Statement s = other.createStatement();
                         ResultSet waiting = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
                        waiting.next();
                        return waiting.getLong(1) > 0;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void commit() {
                    try {
                        c.commit();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void close() {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
