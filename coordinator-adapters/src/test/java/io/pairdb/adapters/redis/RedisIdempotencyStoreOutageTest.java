package io.pairdb.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stops a Redis of its own, so the server the other tests share is never touched. */
class RedisIdempotencyStoreOutageTest {
    private final IdempotencyKey key = new IdempotencyKey(new TenantId("acme"), "user:1", "req-1");
    private final Duration ttl = Duration.ofHours(24);
    private final StoredResponse response = new StoredResponse("user:1", "req-1", VectorClock.of("c1", 1),
            1_700_000_000_000L, 3, "quorum", false);

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
        // the 1 s timeout also bounds the connection's handshake, which a busy machine can outlast
        StatefulRedisConnection<String, String> connection = await().atMost(Duration.ofSeconds(30))
                .ignoreException(RedisConnectionException.class).until(client::connect, c -> c != null);
        store = new RedisIdempotencyStore(connection);
    }

    @AfterEach
    void stopRedis() {
        client.shutdown();
        redis.stop();
    }

    @Test
    void everyCallFailsWithAPairDbExceptionNamingTheKeyWhileRedisIsDown() throws Exception {
        done(store.claim(key, "fp", "a", ttl));
        redis.stop();

        assertThatThrownBy(() -> done(store.claim(key, "fp", "a", ttl)))
                .isInstanceOfSatisfying(PairDbException.class,
                        e -> assertThat(e.subject()).isEqualTo(key.storageKey()));
        assertThatThrownBy(() -> done(store.complete(key, "a", "fp", response, ttl))).isInstanceOf(PairDbException.class);
        assertThatThrownBy(() -> done(store.release(key, "a"))).isInstanceOf(PairDbException.class);
    }

    @Test
    void claimsWorkAgainOnceRedisIsBack() {
        redis.stop();
        assertThatThrownBy(() -> done(store.claim(key, "fp", "a", ttl))).isInstanceOf(PairDbException.class);

        redis.start();
        // the client reconnects on its own; the restarted server has also forgotten the script
        await().atMost(Duration.ofSeconds(30)).ignoreException(PairDbException.class)
                .until(() -> done(store.claim(key, "fp", "a", ttl)) instanceof Claim.Claimed);
    }

    /** What the future holds, or its failure's cause; bounded, so a future that never completes fails the test. */
    private static <T> T done(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
