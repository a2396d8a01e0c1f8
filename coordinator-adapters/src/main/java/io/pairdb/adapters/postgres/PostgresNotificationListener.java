package io.pairdb.adapters.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears what a trigger announces with {@code pg_notify} as it commits: {@code LISTEN channel} on a
 * connection of its own, polled by a thread of its own, calling {@code onChange} for each batch of
 * notifications — and once after every (re)connect, since what was announced while it was away
 * nobody heard. Whatever relies on it keeps a fallback (polling, a cache TTL). Reconnects with a
 * growing pause when the connection breaks.
 */
public final class PostgresNotificationListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresNotificationListener.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_]{1,63}");
    private static final int POLL_MILLIS = 500;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final String channel;
    private final String topic;
    private final String fallback;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param topic names the log events ({@code <topic>_listener_failed}) and the thread
     * @param fallback what covers a missed notification, for the warning when the connection breaks
     */
    public PostgresNotificationListener(DataSource dataSource, String channel, String topic, String fallback,
                                        Runnable onChange) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        this.dataSource = Jdbc.pool(dataSource);
        this.channel = channel;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.thread = Thread.ofPlatform().name("pairdb-" + topic.replace('_', '-') + "-listener").daemon(true)
                .unstarted(this::run);
    }

    public PostgresNotificationListener start() {
        thread.start();
        return this;
    }

    private void run() {
        Duration pause = Duration.ofMillis(250);
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + channel);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                LOG.atDebug().addKeyValue("event", topic + "_listening").log("listening on {}", channel);
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
                LOG.atWarn().addKeyValue("event", topic + "_listener_failed")
                        .log("{} notifications interrupted ({}); {}, reconnecting in {} ms", topic.replace('_', ' '),
                                e.getMessage(), fallback, pause.toMillis());
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
            onChange.run();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("event", topic + "_refresh_failed")
                    .log("could not act on a {} notification: {}", topic.replace('_', ' '), e.getMessage());
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
