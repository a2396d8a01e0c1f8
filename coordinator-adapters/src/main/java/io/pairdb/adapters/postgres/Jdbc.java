package io.pairdb.adapters.postgres;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.pairdb.core.port.ChangeStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/** Plain JDBC with explicit transactions, for what a repository method cannot say in one call. */
final class Jdbc {
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Micronaut Data hands out a contextual DataSource whose connections only work inside
     * {@code @Transactional}/{@code @Connectable}; these adapters manage their own connections
     * and transactions, so they use the pool underneath. A plain DataSource passes through.
     */
    static DataSource pool(DataSource dataSource) {
        return DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** Sets a statement's parameters. */
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * Runs one statement that updates a leased row only while its holder holds it: {@link
     * ChangeStore.Held#HELD} when it changed exactly one row, {@link ChangeStore.Held#LOST} otherwise.
     */
    static ChangeStore.Held updateHeld(DataSource dataSource, String sql, Binder binder) throws SQLException {
        return autoCommit(dataSource, connection -> {
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                binder.bind(s);
                return s.executeUpdate() == 1 ? ChangeStore.Held.HELD : ChangeStore.Held.LOST;
            }
        });
    }

    /** A lease or interval as the seconds {@code make_interval(secs => ?)} takes, to the millisecond. */
    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    static <T> T autoCommit(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        }
    }

    /** Runs the work in one READ COMMITTED transaction, committed when it returns and rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            // the pool restores auto-commit when the connection goes back
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        }
    }

    /**
     * Whether PostgreSQL refused the statement's data itself (SQLSTATE class 22, data exception, or
     * 23, integrity constraint violation): sending the same data again fails the same way, unlike a
     * lost connection, a timeout or a serialisation failure.
     */
    static boolean refusesTheData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * A message for a text column: PostgreSQL text holds any character but U+0000, which a key
     * named in a message may contain; it is written as the six characters {@code \u0000} instead.
     */
    static String message(String text) {
        return text == null ? null : text.replace("\u0000", "\\u0000");
    }

    /**
     * PostgreSQL keeps microseconds, the domain compares milliseconds: storing the truncated
     * value means what is read back equals what was written.
     */
    static OffsetDateTime toTimestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
    }

    static Instant toInstant(OffsetDateTime timestamp) {
        return timestamp.toInstant().truncatedTo(ChronoUnit.MILLIS);
    }
}
