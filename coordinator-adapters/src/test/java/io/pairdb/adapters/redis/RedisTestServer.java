package io.pairdb.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pairdb.embedded.EmbeddedRedis;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * One real Redis per test JVM, shared by the tests and emptied with {@link #flushAll()}: a
 * Testcontainers redis:7-alpine when a Docker engine is reachable, else the embedded server.
 */
final class RedisTestServer {
    private static final Logger log = LoggerFactory.getLogger(RedisTestServer.class);
    private static RedisURI uri;
    private static StatefulRedisConnection<String, String> connection;

    private RedisTestServer() {
    }

    static synchronized RedisURI uri() {
        if (uri == null) {
            uri = start();
        }
        return uri;
    }

    /** A connection to the shared server, open for the whole JVM. */
    static synchronized StatefulRedisConnection<String, String> connection() {
        if (connection == null) {
            RedisClient client = RedisClient.create(uri());
            connection = client.connect();
            Runtime.getRuntime().addShutdownHook(new Thread(client::shutdown, "redis-test-client-shutdown"));
        }
        return connection;
    }

    static void flushAll() {
        connection().sync().flushall();
    }

    private static RedisURI start() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            // Ryuk removes the container when the JVM exits
            GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            container.start();
            return RedisURI.builder().withHost(container.getHost()).withPort(container.getMappedPort(6379))
                    .withTimeout(Duration.ofSeconds(5)).build();
        }
        log.info("no Docker engine reachable: testing against an embedded Redis");
        EmbeddedRedis server = EmbeddedRedis.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "embedded-redis-shutdown"));
        return RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(5)).build();
    }
}
