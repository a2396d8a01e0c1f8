package io.pairdb.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.sync.RedisCommands;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.IdempotencyStoreContract;
import io.pairdb.core.version.VectorClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisIdempotencyStoreTest extends IdempotencyStoreContract {
    private final IdempotencyKey key = new IdempotencyKey(new TenantId("acme"), "user:1", "req-9");
    private final RedisCommands<String, String> redis = RedisTestServer.connection().sync();

    @Override
    protected IdempotencyStore emptyStore() {
        RedisTestServer.flushAll();
        return new RedisIdempotencyStore(RedisTestServer.connection());
    }

    @Test
    void anInFlightClaimIsAJsonMarkerThatExpiresAfterItsTtl() {
        done(emptyStore().claim(key, "fp-1", "coord-1-a", Duration.ofMinutes(5)));
        assertThat(key.storageKey()).isEqualTo("idempotency:acme:6:user:1:req-9");
        assertThat(redis.get(key.storageKey()))
                .isEqualTo("{\"state\":\"in_progress\",\"fingerprint\":\"fp-1\",\"owner\":\"coord-1-a\"}");
        assertThat(redis.pttl(key.storageKey())).isBetween(1L, Duration.ofMinutes(5).toMillis());
    }

    @Test
    void aRecordThisStoreCannotReadIsReportedAndLeftAlone() {
        IdempotencyStore store = emptyStore();
        redis.set(key.storageKey(), "not json");
        assertThatThrownBy(() -> done(store.claim(key, "fp-1", "a", Duration.ofMinutes(5))))
                .isInstanceOfSatisfying(PairDbException.class, e -> assertThat(e.subject()).isEqualTo(key.storageKey()));
        done(store.release(key, "a"));
        done(store.complete(key, "a", "fp-1", new StoredResponse("user:1", "req-9", VectorClock.of("c1", 3),
                1_700_000_000_000L, 3, "quorum", false), Duration.ofHours(24)));
        assertThat(redis.get(key.storageKey())).isEqualTo("not json");
    }

    @Test
    void aCompletedRecordKeepsTheResponseAsJsonWithANewTtl() {
        IdempotencyStore store = emptyStore();
        done(store.claim(key, "fp-1", "a", Duration.ofMinutes(5)));
        done(store.complete(key, "a", "fp-1", new StoredResponse("user:1", "req-9", VectorClock.of("c1", 3),
                1_700_000_000_000L, 3, "quorum", true), Duration.ofHours(24)));
        assertThat(redis.get(key.storageKey())).isEqualTo("{\"state\":\"completed\",\"fingerprint\":\"fp-1\","
                + "\"response\":{\"key\":\"user:1\",\"idempotency_key\":\"req-9\",\"vector_clock\":{\"c1\":3},"
                + "\"timestamp_ms\":1700000000000,\"replica_count\":3,\"consistency\":\"quorum\",\"tombstone\":true}}");
        assertThat(redis.pttl(key.storageKey())).isGreaterThan(Duration.ofMinutes(5).toMillis());
    }
}
