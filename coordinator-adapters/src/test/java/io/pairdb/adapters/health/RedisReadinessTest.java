package io.pairdb.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.pairdb.embedded.EmbeddedRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Readiness refuses a Redis that may evict idempotency records. A Redis of its own, since the test
 * changes the server's configuration.
 */
class RedisReadinessTest {
    private EmbeddedRedis redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void startRedis() {
        redis = EmbeddedRedis.builder().start();
        client = RedisClient.create(RedisURI.builder().withHost(redis.host()).withPort(redis.port())
                .withTimeout(Duration.ofSeconds(5)).build());
        connection = client.connect();
    }

    @AfterEach
    void stopRedis() {
        client.shutdown();
        redis.stop();
    }

    @Test
    void aRedisThatKeepsEveryKeyUntilItExpiresIsReady() throws Exception {
        connection.sync().configSet("maxmemory-policy", "noeviction");

        HealthResult result = first(new RedisReadiness(connection, Duration.ofSeconds(5), new HealthMetrics(new SimpleMeterRegistry())).getResult());

        assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void whetherRedisKeepsItsKeysAcrossARestartIsSaidButDoesNotDecideReadiness(@TempDir Path dir) throws Exception {
        connection.sync().configSet("maxmemory-policy", "noeviction");
        connection.sync().configSet("dir", dir.toString()); // where the append-only file goes
        connection.sync().configSet("appendonly", "no");
        RedisReadiness readiness = new RedisReadiness(connection, Duration.ofSeconds(5),
                new HealthMetrics(new SimpleMeterRegistry()));

        HealthResult volatileRedis = first(readiness.getResult());
        assertThat(volatileRedis.getStatus()).isEqualTo(HealthStatus.UP);
        assertThat(String.valueOf(volatileRedis.getDetails())).contains("appendonly no");

        connection.sync().configSet("appendonly", "yes");
        try {
            HealthResult persistent = first(readiness.getResult());
            assertThat(String.valueOf(persistent.getDetails())).contains("persistence=appendonly yes");
        } finally {
            // an embedded Redis writing an append-only file does not stop when asked
            connection.sync().configSet("appendonly", "no");
        }
    }

    @Test
    void aRedisThatMayEvictRecordsIsNotReadyAndSaysWhy() throws Exception {
        connection.sync().configSet("maxmemory-policy", "volatile-lru");

        HealthResult result = first(new RedisReadiness(connection, Duration.ofSeconds(5), new HealthMetrics(new SimpleMeterRegistry())).getResult());

        assertThat(result.getStatus()).isEqualTo(HealthStatus.DOWN);
        assertThat(String.valueOf(result.getDetails())).contains("volatile-lru").contains("noeviction");
    }

    @Test
    void aCheckThatTurnsDownIsLoggedOnceWithWhyAndOnceWhenItIsUpAgain() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(BoundedCheck.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            RedisReadiness readiness = new RedisReadiness(connection, Duration.ofSeconds(5),
                    new HealthMetrics(new SimpleMeterRegistry()));
            connection.sync().configSet("maxmemory-policy", "allkeys-lru");
            first(readiness.getResult());
            first(readiness.getResult());
            connection.sync().configSet("maxmemory-policy", "noeviction");
            first(readiness.getResult());
            first(readiness.getResult());

            assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .hasSize(2)
                    .satisfies(all -> assertThat(all.get(0)).startsWith("readiness check redis is DOWN: ")
                            .contains("allkeys-lru"))
                    .satisfies(all -> assertThat(all.get(1)).isEqualTo("readiness check redis is UP again"));
        } finally {
            logger.detachAppender(lines);
        }
    }

    private static HealthResult first(Publisher<HealthResult> publisher) throws Exception {
        CompletableFuture<HealthResult> first = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(HealthResult result) {
                first.complete(result);
            }

            @Override
            public void onError(Throwable t) {
                first.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                first.completeExceptionally(new IllegalStateException("no health result"));
            }
        });
        return first.get(10, TimeUnit.SECONDS);
    }
}
