package io.pairdb.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.embedded.EmbeddedRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stops a Redis of its own, so the server the other tests share is never touched. */
class RedisIdempotencyStoreOutageTest {
    private final IdempotencyKey key = new IdempotencyKey(new TenantId("acme"), "user:1", "req-1");
    private final Duration ttl = Duration.ofHours(24);

    private EmbeddedRedis redis;
    private RedisClient client;
    private RedisIdempotencyStore store;

    @BeforeEach
    void startRedis() {
        redis = EmbeddedRedis.builder().start();
        client = RedisClient.create(RedisURI.builder().withHost(redis.host()).withPort(redis.port())
                .withTimeout(Duration.ofSeconds(1)).build());
        // what the coordinator should configure too: fail at once while disconnected instead of
        // queueing commands until they time out
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        StatefulRedisConnection<String, String> connection = client.connect();
        store = new RedisIdempotencyStore(connection);
    }

    @AfterEach
    void stopRedis() {
        client.shutdown();
        redis.stop();
    }

    @Test
    void everyCallFailsWithAPairDbExceptionNamingTheKeyWhileRedisIsDown() {
        store.claim(key, "fp", ttl);
        redis.stop();

        assertThatThrownBy(() -> store.claim(key, "fp", ttl))
                .isInstanceOfSatisfying(PairDbException.class,
                        e -> assertThat(e.subject()).isEqualTo(key.storageKey()));
        assertThatThrownBy(() -> store.release(key)).isInstanceOf(PairDbException.class);
    }

    @Test
    void claimsWorkAgainOnceRedisIsBack() {
        redis.stop();
        assertThatThrownBy(() -> store.claim(key, "fp", ttl)).isInstanceOf(PairDbException.class);

        redis.start();
        // the client reconnects on its own; the restarted server has also forgotten the script
        await().atMost(Duration.ofSeconds(30)).ignoreException(PairDbException.class)
                .until(() -> store.claim(key, "fp", ttl) instanceof Claim.Claimed);
    }
}
