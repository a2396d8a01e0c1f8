package io.pairdb.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pairdb.core.Futures;
import io.pairdb.core.PairDbException;
import io.pairdb.core.idempotency.IdempotencyKey;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Idempotency records in Redis, one string key per request ({@link IdempotencyKey#storageKey()})
 * with a TTL, through Lettuce's asynchronous API: no thread waits on Redis, and the futures
 * complete on Lettuce's event loop. Each call is one Lua script, so deciding and acting are one
 * atomic step (an in-progress marker is completed or released only by the owner it names). Every
 * call is bounded by the connection's command timeout; a timeout or a lost connection fails the
 * future with {@link PairDbException}, and then the call may or may not have been applied.
 */
@Singleton
public final class RedisIdempotencyStore implements IdempotencyStore {
    /**
     * True when the stored value is the in-progress marker of the owner given; true when the
     * unsettled version stored (if any) is of the request with the fingerprint given.
     */
    private static final String HELD_BY_OWNER = """
            local function held_by(value, owner)
              local ok, record = pcall(cjson.decode, value)
              return ok and type(record) == 'table' and record.state == 'in_progress' and record.owner == owner
            end
            local function unsettled_free_for(key, fingerprint)
              local value = redis.call('GET', key)
              if not value then
                return true
              end
              local ok, record = pcall(cjson.decode, value)
              return ok and type(record) == 'table' and record.fingerprint == fingerprint
            end
            """;

    /**
     * GET-or-SET in one atomic round trip. {@code SET NX GET} would do, but only from Redis 7,
     * and the embedded Redis is 6.2. Returns the existing record, or nil once the marker is set or
     * when it is the caller's own already (ARGV[3]): Lettuce resends a command whose answer a dropped
     * connection lost, and that resend must not find the attempt's marker to be another request's.
     */
    /*
     * An unsettled version (KEYS[2]) of another request is returned without claiming; one of this
     * request's (fingerprint ARGV[4]) is returned once claimed, for the caller to write again.
     */
    private static final RedisScript CLAIM = RedisScript.of(HELD_BY_OWNER + """
            local existing = redis.call('GET', KEYS[1])
            if existing and not held_by(existing, ARGV[3]) then
              return existing
            end
            local unsettled = redis.call('GET', KEYS[2])
            if unsettled then
              local ok, record = pcall(cjson.decode, unsettled)
              if not (ok and type(record) == 'table' and record.fingerprint == ARGV[4]) then
                return unsettled
              end
            end
            if not existing then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            end
            if unsettled then
              return unsettled
            end
            return false
            """, ScriptOutputType.VALUE);

    /**
     * Stores the response over the owner's marker, or where nothing is stored any more, and drops
     * the same request's unsettled version; 1 when stored, or when the same record is there already
     * (a retry whose first try's answer was lost), else 0.
     */
    private static final RedisScript COMPLETE = RedisScript.of(HELD_BY_OWNER + """
            local existing = redis.call('GET', KEYS[1])
            if existing == ARGV[2] then
              return 1
            end
            if existing and not held_by(existing, ARGV[1]) then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            if unsettled_free_for(KEYS[2], ARGV[4]) then
              redis.call('DEL', KEYS[2])
            end
            return 1
            """, ScriptOutputType.INTEGER);

    /** Deletes the owner's marker and nothing else; 1 when deleted. */
    private static final RedisScript RELEASE = RedisScript.of(HELD_BY_OWNER + """
            local existing = redis.call('GET', KEYS[1])
            if existing and held_by(existing, ARGV[1]) then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /**
     * Keeps the version a failed request may have been written with (KEYS[2]) and drops the owner's
     * marker, unless another request's marker, a response, or another request's unsettled version
     * is stored; 1 when kept.
     */
    private static final RedisScript UNSETTLE = RedisScript.of(HELD_BY_OWNER + """
            local existing = redis.call('GET', KEYS[1])
            if existing and not held_by(existing, ARGV[1]) or not unsettled_free_for(KEYS[2], ARGV[4]) then
              return 0
            end
            if existing then
              redis.call('DEL', KEYS[1])
            end
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return 1
            """, ScriptOutputType.INTEGER);

    private static final String RECORD_PREFIX = "idempotency:";
    private static final String UNSETTLED_PREFIX = "idempotency-unsettled:";

    private final StatefulRedisConnection<String, String> connection;

    public RedisIdempotencyStore(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
    }

    @Override
    public CompletableFuture<Claim> claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        String storageKey = key.storageKey();
        String marker = IdempotencyRecordMapper.inProgress(fingerprint, owner);
        String ttlMillis = positiveMillis(ttl);
        return call(() -> CLAIM.<String>run(commands(), new String[] {storageKey, unsettledKey(key)}, marker, ttlMillis,
                owner, fingerprint))
                .handle((existing, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not claim idempotency key " + storageKey
                                + " in Redis", Futures.cause(error));
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
    public CompletableFuture<Boolean> complete(IdempotencyKey key, String owner, String fingerprint,
                                               StoredResponse response, Duration ttl) {
        String storageKey = key.storageKey();
        String record = IdempotencyRecordMapper.completed(fingerprint, response);
        String ttlMillis = positiveMillis(ttl);
        return call(() -> COMPLETE.<Long>run(commands(), new String[] {storageKey, unsettledKey(key)}, owner, record,
                ttlMillis, fingerprint))
                .handle((stored, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not store the response for idempotency key "
                                + storageKey + " in Redis", Futures.cause(error));
                    }
                    return stored != null && stored == 1L;
                });
    }

    @Override
    public CompletableFuture<Void> release(IdempotencyKey key, String owner) {
        String storageKey = key.storageKey();
        return call(() -> RELEASE.<Long>run(commands(), new String[] {storageKey}, owner))
                .handle((deleted, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not release idempotency key " + storageKey
                                + " in Redis", Futures.cause(error));
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> unsettle(IdempotencyKey key, String owner, String fingerprint,
                                            UnsettledVersion version, Duration ttl) {
        String storageKey = key.storageKey();
        String record = IdempotencyRecordMapper.unsettled(fingerprint, version);
        String ttlMillis = positiveMillis(ttl);
        return call(() -> UNSETTLE.<Long>run(commands(), new String[] {storageKey, unsettledKey(key)}, owner, record,
                ttlMillis, fingerprint))
                .handle((kept, error) -> {
                    if (error != null) {
                        throw new PairDbException(storageKey, "could not keep the unsettled version of idempotency key "
                                + storageKey + " in Redis", Futures.cause(error));
                    }
                    return null;
                });
    }

    /**
     * Where the version of a request that may have been written is kept: the record's key under
     * another prefix, so that no record's key (whose idempotency key may hold any character) is
     * another's unsettled key.
     */
    static String unsettledKey(IdempotencyKey key) {
        String storageKey = key.storageKey();
        if (!storageKey.startsWith(RECORD_PREFIX)) {
            throw new IllegalStateException("record keys start with " + RECORD_PREFIX + ", not " + storageKey);
        }
        return UNSETTLED_PREFIX + storageKey.substring(RECORD_PREFIX.length());
    }

    /** The command's future; a command refused before it was sent (e.g. while disconnected) fails it too. */
    private static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> command) {
        return Futures.started(() -> command.get().toCompletableFuture());
    }

    private RedisAsyncCommands<String, String> commands() {
        return connection.async();
    }


    private static String positiveMillis(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return Long.toString(millis);
    }
}
