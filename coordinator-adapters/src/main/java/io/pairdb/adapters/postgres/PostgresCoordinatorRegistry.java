package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.CoordinatorRegistry;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The {@code coordinators} table: heartbeats timed by PostgreSQL's clock. */
@Singleton
public final class PostgresCoordinatorRegistry implements CoordinatorRegistry {
    private static final String HEARTBEAT = """
            INSERT INTO coordinators (coordinator_id, served_epoch, heartbeat_at, started_at) VALUES (?, ?, now(), now())
            ON CONFLICT (coordinator_id) DO UPDATE SET served_epoch = EXCLUDED.served_epoch, heartbeat_at = now()""";
    private static final String FORGET_SILENT = "DELETE FROM coordinators WHERE heartbeat_at < now() - interval '1 day'";
    private static final String LIVE = "SELECT coordinator_id, served_epoch, heartbeat_at FROM coordinators"
            + " WHERE heartbeat_at >= now() - make_interval(secs => ?) ORDER BY coordinator_id";
    private static final String LEAVE = "DELETE FROM coordinators WHERE coordinator_id = ?";

    private final DataSource dataSource;

    public PostgresCoordinatorRegistry(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public void heartbeat(String coordinatorId, long servedEpoch) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(HEARTBEAT)) {
                    s.setString(1, coordinatorId);
                    s.setLong(2, servedEpoch);
                    s.executeUpdate();
                }
                try (PreparedStatement s = connection.prepareStatement(FORGET_SILENT)) {
                    return s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("coordinator " + coordinatorId, "could not record the heartbeat of coordinator "
                    + coordinatorId + " (table coordinators)", e);
        }
    }

    @Override
    public List<Member> live(Duration within) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(LIVE)) {
                    s.setDouble(1, within.toMillis() / 1000.0);
                    try (ResultSet rows = s.executeQuery()) {
                        List<Member> members = new ArrayList<>();
                        while (rows.next()) {
                            members.add(new Member(rows.getString(1), rows.getLong(2),
                                    Jdbc.toInstant(rows.getObject(3, OffsetDateTime.class))));
                        }
                        return members;
                    }
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("coordinators", "could not read the live coordinators (table coordinators)", e);
        }
    }

    @Override
    public void leave(String coordinatorId) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(LEAVE)) {
                    s.setString(1, coordinatorId);
                    return s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("coordinator " + coordinatorId, "could not remove coordinator " + coordinatorId
                    + " from the registry (table coordinators)", e);
        }
    }
}
