package io.pairdb.adapters.postgres;

import javax.sql.DataSource;

/**
 * Hears every ring epoch bump as it commits ({@code pairdb_ring_epoch}, sent by the V1 trigger)
 * and calls {@code onEpochChange} — also after every reconnect; polling the epoch stays the
 * fallback. See {@link PostgresNotificationListener}.
 */
public final class PostgresRingEpochListener implements AutoCloseable {
    private final PostgresNotificationListener listener;

    public PostgresRingEpochListener(DataSource dataSource, Runnable onEpochChange) {
        this.listener = new PostgresNotificationListener(dataSource, "pairdb_ring_epoch", "ring_epoch",
                "polling covers it", onEpochChange);
    }

    public PostgresRingEpochListener start() {
        listener.start();
        return this;
    }

    @Override
    public void close() {
        listener.close();
    }
}
