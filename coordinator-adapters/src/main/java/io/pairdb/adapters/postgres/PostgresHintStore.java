package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Hints in PostgreSQL, oldest first by their sequence id (insertion order, not a coordinator's clock). */
@Singleton
public final class PostgresHintStore implements HintStore {
    private static final String INSERT = "INSERT INTO hints (" + HintMapper.COLUMNS + ") VALUES ("
            + HintMapper.PLACEHOLDERS + ")";
    private static final String PENDING = "SELECT hint_id, " + HintMapper.COLUMNS + " FROM hints"
            + " WHERE target_node_id = ? ORDER BY hint_id LIMIT ?";
    private static final String DELETE = "DELETE FROM hints WHERE hint_id = ?";
    private static final String COUNT = "SELECT count(*) FROM hints WHERE target_node_id = ?";

    private final DataSource dataSource;

    public PostgresHintStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public void store(Hint hint) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    HintMapper.bind(insert, hint);
                    return insert.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure(hint.target(), "could not store a hint for node " + hint.target()
                    + " (tenant " + hint.tenant() + ")", e);
        }
    }

    @Override
    public List<Hint> pending(NodeId target, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(PENDING)) {
                    select.setString(1, target.value());
                    select.setInt(2, limit);
                    try (ResultSet rows = select.executeQuery()) {
                        List<Hint> hints = new ArrayList<>();
                        while (rows.next()) {
                            hints.add(HintMapper.toHint(rows));
                        }
                        return hints;
                    }
                }
            });
        } catch (SQLException e) {
            throw failure(target, "could not read hints for node " + target, e);
        }
    }

    @Override
    public void delete(long hintId) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                    delete.setLong(1, hintId);
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hint " + hintId, "could not delete hint " + hintId + " (table hints)", e);
        }
    }

    @Override
    public long count(NodeId target) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement count = connection.prepareStatement(COUNT)) {
                    count.setString(1, target.value());
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        return row.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure(target, "could not count hints for node " + target, e);
        }
    }

    private static PairDbException failure(NodeId target, String message, SQLException cause) {
        return new PairDbException("node " + target, message + " (table hints)", cause);
    }
}
