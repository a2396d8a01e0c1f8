package io.pairdb.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EmbeddedRedisTest {

    @TempDir
    Path tempDir;

    @Test
    void sets_and_gets_a_value() {
        try (EmbeddedRedis redis = EmbeddedRedis.builder().start()) {
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().set("pair", "db");

                assertThat(connection.sync().get("pair")).isEqualTo("db");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void refuses_connections_while_stopped_and_serves_again_on_the_same_port_after_start() {
        try (EmbeddedRedis redis = EmbeddedRedis.builder().start()) {
            int port = redis.port();
            RedisClient client = RedisClient.create(redis.uri());
            try {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    connection.sync().set("k", "v");
                }

                redis.stop();
                redis.stop();

                assertThat(redis.isRunning()).isFalse();
                assertThatThrownBy(client::connect)
                    .isInstanceOf(RedisConnectionException.class)
                    .hasStackTraceContaining("Connection refused");

                redis.start();

                assertThat(redis.port()).isEqualTo(port);
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    assertThat(connection.sync().ping()).isEqualTo("PONG");
                    assertThat(connection.sync().get("k")).as("nothing persisted without a data directory").isNull();
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void keeps_data_across_restarts_with_a_data_directory() {
        Path data = tempDir.resolve("redis");
        try (EmbeddedRedis redis = EmbeddedRedis.builder().dataDirectory(data).start()) {
            RedisClient client = RedisClient.create(redis.uri());
            try {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    connection.sync().set("k", "kept");
                }
                redis.stop();
                redis.start();
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    assertThat(connection.sync().get("k")).isEqualTo("kept");
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void runs_two_instances_side_by_side() {
        try (EmbeddedRedis first = EmbeddedRedis.builder().start();
             EmbeddedRedis second = EmbeddedRedis.builder().start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.isRunning()).isTrue();
            assertThat(second.isRunning()).isTrue();
        }
    }
}
