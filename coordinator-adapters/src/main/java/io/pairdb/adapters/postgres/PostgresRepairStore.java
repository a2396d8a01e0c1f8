package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.repair.RangeRepairedAsOf;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.repair.RepairedRange;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Repair runs in {@code repair_runs}, the ranges each has finished in {@code repair_run_ranges}. A run begins holding the {@code ring_epoch} row's lock, as
 * every change start does (see {@link PostgresChangeStore}), so a change start either sees the
 * run or the run sees the change. Leases are timed by PostgreSQL's clock.
 */
@Singleton
public final class PostgresRepairStore implements RepairStore {
    private static final String LOCK_EPOCH = "SELECT epoch FROM ring_epoch FOR UPDATE";
    private static final String CHANGE_IN_PROGRESS = "SELECT change_id FROM pending_changes WHERE status = 'IN_PROGRESS'"
            + " ORDER BY started_at, change_id LIMIT 1";
    private static final String INSERT = "INSERT INTO repair_runs (run_id, tenant_id, node_id, dry_run, state, ring_epoch,"
            + " ranges_total, started_at, lease_owner, lease_expires_at)"
            + " VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, now() + make_interval(secs => ?))"
            + " RETURNING " + RepairRunMapper.COLUMNS;
    private static final String PROGRESS = """
            UPDATE repair_runs SET ranges_done = ?, keys_repaired = ?, bytes_moved = ?,
                   lease_expires_at = now() + make_interval(secs => ?)
            WHERE run_id = ? AND state = 'RUNNING' AND lease_owner = ? AND lease_expires_at > now()""";
    private static final String FINISH = """
            UPDATE repair_runs SET state = ?, ranges_done = ?, keys_repaired = ?, bytes_moved = ?, finished_at = ?,
                   lease_owner = NULL, lease_expires_at = NULL
            WHERE run_id = ? AND state = 'RUNNING' AND lease_owner = ?""";
    private static final String SELECT = "SELECT " + RepairRunMapper.COLUMNS + " FROM repair_runs";
    private static final String HELD = " WHERE run_id = ? AND state = 'RUNNING' AND lease_owner = ? AND lease_expires_at > now()";
    private static final String COUNT_RANGE = "UPDATE repair_runs SET ranges_done = ranges_done + 1,"
            + " keys_repaired = keys_repaired + ?, bytes_moved = bytes_moved + ?,"
            + " lease_expires_at = now() + make_interval(secs => ?)" + HELD;
    private static final String RENEW = "UPDATE repair_runs SET lease_expires_at = now() + make_interval(secs => ?)" + HELD;
    private static final String INSERT_RANGE = "INSERT INTO repair_run_ranges (run_id, tenant_id, range_start, range_end)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String RANGES = "SELECT tenant_id, range_start, range_end FROM repair_run_ranges WHERE run_id = ?";
    private static final String RECORD_HISTORY = """
            INSERT INTO repair_range_history (tenant_id, range_start, range_end, repaired_as_of) VALUES (?, ?, ?, ?)
            ON CONFLICT (tenant_id, range_start, range_end)
            DO UPDATE SET repaired_as_of = GREATEST(repair_range_history.repaired_as_of, EXCLUDED.repaired_as_of)""";
    private static final String HISTORY = "SELECT tenant_id, range_start, range_end, repaired_as_of FROM repair_range_history";
    private static final String FORGET_HISTORY = "DELETE FROM repair_range_history"
            + " WHERE tenant_id = ? AND range_start = ? AND range_end = ? AND repaired_as_of <= ?";
    private static final String ABANDONED = SELECT
            + " WHERE state = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at <= now()) ORDER BY seq";
    private static final String LOCK_ABANDONED = "SELECT ring_epoch, ranges_done FROM repair_runs WHERE run_id = ?"
            + " AND state = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at <= now()) FOR UPDATE";
    private static final String TAKE = "UPDATE repair_runs SET lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?),"
            + " ranges_total = ? WHERE run_id = ? RETURNING " + RepairRunMapper.COLUMNS;
    private static final String STOP = "UPDATE repair_runs SET state = 'STOPPED', finished_at = ?, lease_owner = NULL,"
            + " lease_expires_at = NULL WHERE run_id = ? RETURNING " + RepairRunMapper.COLUMNS;

    private final DataSource dataSource;

    public PostgresRepairStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public Begin begin(RepairRun run, String owner, Duration lease) {
        if (run.state() != RepairRun.State.RUNNING) {
            throw new IllegalArgumentException("repair run " + run.id() + " begins RUNNING, not " + run.state());
        }
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_EPOCH); ResultSet row = lock.executeQuery()) {
                    row.next();
                    if (row.getLong(1) != run.epoch()) {
                        return new Begin.EpochMoved(row.getLong(1));
                    }
                }
                try (PreparedStatement s = connection.prepareStatement(CHANGE_IN_PROGRESS); ResultSet row = s.executeQuery()) {
                    if (row.next()) {
                        return new Begin.ChangeInFlight(new ChangeId(row.getString(1)));
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    insert.setString(1, run.id());
                    insert.setString(2, run.tenant().map(Object::toString).orElse(null));
                    insert.setString(3, run.node().map(Object::toString).orElse(null));
                    insert.setBoolean(4, run.dryRun());
                    insert.setLong(5, run.epoch());
                    insert.setInt(6, run.rangesTotal());
                    insert.setObject(7, Jdbc.toTimestamp(run.startedAt()));
                    insert.setString(8, owner);
                    insert.setDouble(9, Jdbc.seconds(lease));
                    try (ResultSet row = insert.executeQuery()) {
                        row.next();
                        return new Begin.Begun(RepairRunMapper.toRun(row));
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("could not begin repair run " + run.id(), e);
        }
    }

    @Override
    public ChangeStore.Held progress(String id, String owner, int rangesDone, long keysRepaired, long bytesMoved,
                                     Duration lease) {
        return update("could not record the progress of repair run " + id, PROGRESS, s -> {
            s.setInt(1, rangesDone);
            s.setLong(2, keysRepaired);
            s.setLong(3, bytesMoved);
            s.setDouble(4, Jdbc.seconds(lease));
            s.setString(5, id);
            s.setString(6, owner);
        });
    }

    @Override
    public ChangeStore.Held finish(String id, String owner, RepairRun.State state, int rangesDone, long keysRepaired,
                                   long bytesMoved, Instant at) {
        if (state == RepairRun.State.RUNNING) {
            throw new IllegalArgumentException("a repair run ends DONE or STOPPED");
        }
        return update("could not end repair run " + id, FINISH, s -> {
            s.setString(1, state.name());
            s.setInt(2, rangesDone);
            s.setLong(3, keysRepaired);
            s.setLong(4, bytesMoved);
            s.setObject(5, Jdbc.toTimestamp(at));
            s.setString(6, id);
            s.setString(7, owner);
        });
    }

    @Override
    public ChangeStore.Held rangeDone(String id, String owner, RepairedRange range, Optional<Instant> repairedAsOf,
                                      long keysRepaired, long bytesMoved, Duration lease) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                int inserted;
                try (PreparedStatement insert = connection.prepareStatement(INSERT_RANGE)) {
                    insert.setString(1, id);
                    insert.setString(2, range.tenant().toString());
                    insert.setLong(3, range.range().start().value());
                    insert.setLong(4, range.range().end().value());
                    inserted = insert.executeUpdate();
                }
                if (repairedAsOf.isPresent()) {
                    try (PreparedStatement history = connection.prepareStatement(RECORD_HISTORY)) {
                        history.setString(1, range.tenant().toString());
                        history.setLong(2, range.range().start().value());
                        history.setLong(3, range.range().end().value());
                        history.setObject(4, Jdbc.toTimestamp(repairedAsOf.get()));
                        history.executeUpdate();
                    }
                }
                // a range recorded before renews the lease but is not counted again
                try (PreparedStatement update = connection.prepareStatement(inserted == 1 ? COUNT_RANGE : RENEW)) {
                    int i = 1;
                    if (inserted == 1) {
                        update.setLong(i++, keysRepaired);
                        update.setLong(i++, bytesMoved);
                    }
                    update.setDouble(i++, Jdbc.seconds(lease));
                    update.setString(i++, id);
                    update.setString(i, owner);
                    if (update.executeUpdate() == 1) {
                        return ChangeStore.Held.HELD;
                    }
                }
                // not the holder (any more): the range stays unrecorded
                connection.rollback();
                return ChangeStore.Held.LOST;
            });
        } catch (SQLException e) {
            throw failure("could not record a range of repair run " + id, e);
        }
    }

    @Override
    public Set<RepairedRange> rangesDone(String id) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(RANGES)) {
                    s.setString(1, id);
                    try (ResultSet rows = s.executeQuery()) {
                        Set<RepairedRange> done = new HashSet<>();
                        while (rows.next()) {
                            done.add(new RepairedRange(new TenantId(rows.getString(1)),
                                    new TokenRange(new Token(rows.getLong(2)), new Token(rows.getLong(3)))));
                        }
                        return Set.copyOf(done);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("could not read the ranges of repair run " + id + " (table repair_run_ranges)", e);
        }
    }

    @Override
    public List<RangeRepairedAsOf> repairedRanges() {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(HISTORY);
                     ResultSet rows = s.executeQuery()) {
                    List<RangeRepairedAsOf> history = new ArrayList<>();
                    while (rows.next()) {
                        history.add(new RangeRepairedAsOf(new TenantId(rows.getString(1)),
                                new TokenRange(new Token(rows.getLong(2)), new Token(rows.getLong(3))),
                                Jdbc.toInstant(rows.getObject(4, OffsetDateTime.class))));
                    }
                    return history;
                }
            });
        } catch (SQLException e) {
            throw failure("could not read the repair history (table repair_range_history)", e);
        }
    }

    @Override
    public int forgetRepairedRanges(List<RangeRepairedAsOf> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement(FORGET_HISTORY)) {
                    for (RangeRepairedAsOf e : entries) {
                        delete.setString(1, e.tenant().toString());
                        delete.setLong(2, e.range().start().value());
                        delete.setLong(3, e.range().end().value());
                        delete.setObject(4, Jdbc.toTimestamp(e.asOf()));
                        delete.addBatch();
                    }
                    int forgotten = 0;
                    for (int n : delete.executeBatch()) {
                        forgotten += Math.max(n, 0);
                    }
                    return forgotten;
                }
            });
        } catch (SQLException e) {
            throw failure("could not prune the repair history (table repair_range_history)", e);
        }
    }

    @Override
    public List<RepairRun> abandoned() {
        return query(ABANDONED, s -> {
        });
    }

    @Override
    public TakeOver takeOver(String id, String owner, Duration lease, int rangesDone, int rangesTotal, Instant at) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                long epoch;
                try (PreparedStatement lock = connection.prepareStatement(LOCK_EPOCH); ResultSet row = lock.executeQuery()) {
                    row.next();
                    epoch = row.getLong(1);
                }
                long runEpoch;
                try (PreparedStatement s = connection.prepareStatement(LOCK_ABANDONED)) {
                    s.setString(1, id);
                    try (ResultSet row = s.executeQuery()) {
                        if (!row.next() || row.getInt(2) != rangesDone) {
                            return new TakeOver.NotAbandoned();
                        }
                        runEpoch = row.getLong(1);
                    }
                }
                boolean changeInFlight;
                try (PreparedStatement c = connection.prepareStatement(CHANGE_IN_PROGRESS); ResultSet change = c.executeQuery()) {
                    changeInFlight = change.next();
                }
                if (runEpoch != epoch || changeInFlight) {
                    try (PreparedStatement stop = connection.prepareStatement(STOP)) {
                        stop.setObject(1, Jdbc.toTimestamp(at));
                        stop.setString(2, id);
                        try (ResultSet stopped = stop.executeQuery()) {
                            stopped.next();
                            return new TakeOver.RingMoved(RepairRunMapper.toRun(stopped), epoch);
                        }
                    }
                }
                try (PreparedStatement take = connection.prepareStatement(TAKE)) {
                    take.setString(1, owner);
                    take.setDouble(2, Jdbc.seconds(lease));
                    take.setInt(3, rangesTotal);
                    take.setString(4, id);
                    try (ResultSet row = take.executeQuery()) {
                        row.next();
                        return new TakeOver.TakenOver(RepairRunMapper.toRun(row));
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("could not take over repair run " + id, e);
        }
    }

    @Override
    public Optional<RepairRun> find(String id) {
        return query(SELECT + " WHERE run_id = ?", s -> s.setString(1, id)).stream().findFirst();
    }

    @Override
    public List<RepairRun> list(int limit) {
        return query(SELECT + " ORDER BY seq DESC LIMIT ?", s -> s.setInt(1, limit));
    }

    private ChangeStore.Held update(String what, String sql, Jdbc.Binder binder) {
        try {
            return Jdbc.updateHeld(dataSource, sql, binder);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private List<RepairRun> query(String sql, Jdbc.Binder binder) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(sql)) {
                    binder.bind(s);
                    try (ResultSet rows = s.executeQuery()) {
                        List<RepairRun> runs = new ArrayList<>();
                        while (rows.next()) {
                            runs.add(RepairRunMapper.toRun(rows));
                        }
                        return runs;
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("could not read repair runs", e);
        }
    }

    private static PairDbException failure(String message, SQLException cause) {
        return new PairDbException("repair runs", message + " (table repair_runs)", cause);
    }
}
