package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.CoordinatorIds;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Coordinator ids leased from PostgreSQL. Lease times are the database's clock, so
 * coordinators whose clocks disagree still agree on whose lease ran out.
 */
@Singleton
public final class PostgresCoordinatorIds implements CoordinatorIds {
    private static final String PREFIX = "coord-";
    // the lowest number whose lease ran out, locked so two claimers never get the same one
    private static final String TAKE_FREE = """
            UPDATE coordinator_ids SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), claimed_at = now()
            WHERE id_number = (SELECT id_number FROM coordinator_ids WHERE lease_until <= now()
                               ORDER BY id_number LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id_number""";
    private static final String ADD_NEXT = """
            INSERT INTO coordinator_ids (id_number, lease_owner, lease_until, claimed_at)
            SELECT COALESCE(MAX(id_number), 0) + 1, ?, now() + make_interval(secs => ?), now() FROM coordinator_ids
            ON CONFLICT (id_number) DO NOTHING
            RETURNING id_number""";
    private static final String RENEW = """
            UPDATE coordinator_ids SET lease_until = now() + make_interval(secs => ?)
            WHERE id_number = ? AND lease_owner = ?""";
    private static final String RELEASE = """
            UPDATE coordinator_ids SET lease_until = now() WHERE id_number = ? AND lease_owner = ?""";

    private final DataSource dataSource;

    public PostgresCoordinatorIds(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public String claim(String instance, Duration lease) {
        try {
            // two instances adding the next number at once: one insert does nothing, so try again
            for (int attempt = 0; attempt < 20; attempt++) {
                Integer number = Jdbc.inTransaction(dataSource, c -> {
                    Integer free = claimWith(c.prepareStatement(TAKE_FREE), instance, lease);
                    return free != null ? free : claimWith(c.prepareStatement(ADD_NEXT), instance, lease);
                });
                if (number != null) {
                    return PREFIX + number;
                }
            }
            throw new PairDbException("coordinator_ids", "could not claim a coordinator id after 20 attempts");
        } catch (SQLException e) {
            throw new PairDbException("coordinator_ids", "could not claim a coordinator id in PostgreSQL", e);
        }
    }

    private static Integer claimWith(PreparedStatement statement, String instance, Duration lease) throws SQLException {
        try (statement) {
            statement.setString(1, instance);
            statement.setDouble(2, lease.toMillis() / 1000.0);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    @Override
    public Renewal renew(String id, String instance, Duration lease) {
        try {
            int updated = Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(RENEW)) {
                    s.setDouble(1, lease.toMillis() / 1000.0);
                    s.setInt(2, number(id));
                    s.setString(3, instance);
                    return s.executeUpdate();
                }
            });
            return updated == 1 ? Renewal.RENEWED : Renewal.LOST;
        } catch (SQLException e) {
            throw new PairDbException(id, "could not renew the lease on coordinator id " + id, e);
        }
    }

    @Override
    public void release(String id, String instance) {
        try {
            Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(RELEASE)) {
                    s.setInt(1, number(id));
                    s.setString(2, instance);
                    return s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException(id, "could not release coordinator id " + id, e);
        }
    }

    private static int number(String id) {
        if (!id.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a pooled coordinator id: " + id);
        }
        return Integer.parseInt(id.substring(PREFIX.length()));
    }
}
