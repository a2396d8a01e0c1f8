package io.pairdb.adapters.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears every ring epoch bump as it commits: {@code LISTEN pairdb_ring_epoch} (the V1 trigger
 * sends it) on a connection of its own, polled by a thread of its own, and calls
 * {@code onEpochChange} for each batch of notifications — and once after every (re)connect,
 * since bumps made while it was away sent notifications nobody heard. Polling the epoch stays
 * the fallback. Reconnects with a growing pause when the connection breaks.
 */
public final class PostgresRingEpochListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRingEpochListener.class);
    private static final String CHANNEL = "pairdb_ring_epoch";
    private static final int POLL_MILLIS = 500;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final Runnable onEpochChange;
    private final Thread thread;
    private volatile boolean running = true;

    public PostgresRingEpochListener(DataSource dataSource, Runnable onEpochChange) {
        this.dataSource = Jdbc.pool(dataSource);
        this.onEpochChange = Objects.requireNonNull(onEpochChange, "onEpochChange");
        this.thread = Thread.ofPlatform().name("pairdb-ring-epoch-listener").daemon(true).unstarted(this::run);
    }

    public PostgresRingEpochListener start() {
        thread.start();
        return this;
    }

    private void run() {
        Duration pause = Duration.ofMillis(250);
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                LOG.atDebug().addKeyValue("event", "ring_epoch_listening").log("listening for ring epoch changes");
                pause = Duration.ofMillis(250);
                notifyChange();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        notifyChange();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.atWarn().addKeyValue("event", "ring_epoch_listener_failed")
                        .log("ring epoch notifications interrupted ({}); polling covers it, reconnecting in {} ms",
                                e.getMessage(), pause.toMillis());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private void notifyChange() {
        try {
            onEpochChange.run();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("event", "ring_epoch_refresh_failed")
                    .log("could not act on a ring epoch change: {}", e.getMessage());
        }
    }

    /** Stops listening; returns once the thread has ended (within about one poll). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofMillis(POLL_MILLIS * 4L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
