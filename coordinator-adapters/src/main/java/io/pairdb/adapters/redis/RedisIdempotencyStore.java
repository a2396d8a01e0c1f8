package io.pairdb.adapters.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Idempotency records in Redis, one string key per request ({@link IdempotencyKey#storageKey()})
 * with a TTL, through Lettuce's asynchronous API: no thread waits on Redis, and the futures
 * complete on Lettuce's event loop. Every call is bounded by the connection's command timeout; a
 * timeout or a lost connection fails the future with {@link PairDbException}, and then the call
 * may or may not have been applied.
 */
@Singleton
public final class RedisIdempotencyStore implements IdempotencyStore {
    /**
     * GET-or-SET in one atomic round trip. {@code SET NX GET} would do, but only from Redis 7,
     * and the embedded Redis is 6.2. Returns the existing record, or nil once the marker is set.
     */
    private static final String CLAIM_SCRIPT = """
            local existing = redis.call('GET', KEYS[1])
            if existing then
              return existing
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return false
            """;
    private static final String CLAIM_SCRIPT_SHA = sha1(CLAIM_SCRIPT);

    private final StatefulRedisConnection<String, String> connection;

    public RedisIdempotencyStore(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
    }

    @Override
    public CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, Duration ttl) {
        String storageKey = key.storageKey();
        String marker = IdempotencyRecordMapper.inProgress(fingerprint);
        long ttlMillis = positiveMillis(ttl);
        return call(() -> evalClaim(storageKey, marker, ttlMillis))
                .handle((existing, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not claim idempotency key " + storageKey
                                + " in Redis", unwrap(error));
                    }
                    if (existing == null) {
                        return new Claim.Claimed();
                    }
                    try {
                        return IdempotencyRecordMapper.toClaim(existing);
                    } catch (IllegalArgumentException e) {
                        throw new PairDbException(storageKey, "unreadable idempotency record at " + storageKey
                                + " in Redis", e);
                    }
                });
    }

    @Override
    public CompletableFuture<Void> complete(IdempotencyKey key, String fingerprint, StoredResponse response,
                                            Duration ttl) {
        String storageKey = key.storageKey();
        String record = IdempotencyRecordMapper.completed(fingerprint, response);
        long ttlMillis = positiveMillis(ttl);
        return call(() -> commands().set(storageKey, record, SetArgs.Builder.px(ttlMillis)))
                .handle((ok, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not store the response for idempotency key "
                                + storageKey + " in Redis", unwrap(error));
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> release(IdempotencyKey key) {
        String storageKey = key.storageKey();
        return call(() -> commands().del(storageKey))
                .handle((deleted, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not release idempotency key " + storageKey
                                + " in Redis", unwrap(error));
                    }
                    return null;
                });
    }

    private CompletionStage<String> evalClaim(String storageKey, String marker, long ttlMillis) {
        String[] keys = {storageKey};
        String ttl = Long.toString(ttlMillis);
        return commands().<String>evalsha(CLAIM_SCRIPT_SHA, ScriptOutputType.VALUE, keys, marker, ttl)
                .exceptionallyCompose(error -> {
                    if (unwrap(error) instanceof RedisNoScriptException) {
                        // first use on this server, or it restarted: EVAL runs the script and caches it for
                        // EVALSHA. The script did not run, so running it now is no second attempt.
                        return commands().eval(CLAIM_SCRIPT, ScriptOutputType.VALUE, keys, marker, ttl);
                    }
                    return CompletableFuture.failedStage(error);
                });
    }

    /** The command's future; a command refused before it was sent (e.g. while disconnected) fails it too. */
    private static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RedisAsyncCommands<String, String> commands() {
        return connection.async();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static long positiveMillis(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return millis;
    }

    private static String sha1(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-1", e);
        }
    }
}
