package io.pairdb.adapters.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.port.IdempotencyStore.Claim;
import io.pairdb.core.port.IdempotencyStore.UnsettledVersion;
import io.pairdb.core.version.VectorClock;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Idempotency records ↔ JSON. An in-flight request leaves
 * {@code {"state":"in_progress","fingerprint":…,"owner":…}} (the attempt that may complete or
 * release it); a finished one {@code {"state":"completed","fingerprint":…,"response":{…}}}; the
 * version of one that failed after it may have been written, under a key of its own,
 * {@code {"state":"unsettled","fingerprint":…,"vector_clock":{…},"timestamp_ms":…}}. Field names are snake_case like
 * the wire API, since operators read these values with redis-cli.
 */
final class IdempotencyRecordMapper {
    private static final String IN_PROGRESS = "in_progress";
    private static final String COMPLETED = "completed";
    private static final String UNSETTLED = "unsettled";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    private record StoredRecord(String state, String fingerprint, String owner, ResponseJson response,
                                SortedMap<String, Long> vectorClock, Long timestampMs) {
        StoredRecord(String state, String fingerprint, String owner, ResponseJson response) {
            this(state, fingerprint, owner, response, null, null);
        }
    }

    private record ResponseJson(String key, String idempotencyKey, SortedMap<String, Long> vectorClock,
                                long timestampMs, int replicaCount, String consistency, boolean tombstone) {
    }

    private IdempotencyRecordMapper() {
    }

    static String inProgress(String fingerprint, String owner) {
        return write(new StoredRecord(IN_PROGRESS, fingerprint, owner, null));
    }

    static String completed(String fingerprint, StoredResponse response) {
        ResponseJson body = new ResponseJson(response.key(), response.idempotencyKey(), response.clock().entries(),
                response.timestampMs(), response.replicaCount(), response.consistency(), response.tombstone());
        return write(new StoredRecord(COMPLETED, fingerprint, null, body));
    }

    static String unsettled(String fingerprint, UnsettledVersion version) {
        return write(new StoredRecord(UNSETTLED, fingerprint, null, null, version.clock().entries(),
                version.timestampMs()));
    }

    /**
     * What a claim found in an existing record.
     *
     * @throws IllegalArgumentException if the record is not one this mapper writes
     */
    static Claim toClaim(String json) {
        try {
            StoredRecord stored = JSON.readValue(json, StoredRecord.class);
            String fingerprint = Objects.requireNonNull(stored.fingerprint(), "fingerprint");
            return switch (Objects.requireNonNull(stored.state(), "state")) {
                case IN_PROGRESS -> new Claim.InProgress(fingerprint);
                case COMPLETED -> {
                    ResponseJson r = Objects.requireNonNull(stored.response(), "response");
                    yield new Claim.Completed(fingerprint, new StoredResponse(r.key(), r.idempotencyKey(),
                            new VectorClock(Objects.requireNonNull(r.vectorClock(), "vector_clock")),
                            r.timestampMs(), r.replicaCount(), r.consistency(), r.tombstone()));
                }
                case UNSETTLED -> new Claim.Unsettled(fingerprint, new UnsettledVersion(
                        new VectorClock(Objects.requireNonNull(stored.vectorClock(), "vector_clock")),
                        Objects.requireNonNull(stored.timestampMs(), "timestamp_ms")));
                default -> throw new IllegalArgumentException("unknown state " + stored.state());
            };
        } catch (JsonProcessingException | NullPointerException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable idempotency record " + json, e);
        }
    }

    private static String write(StoredRecord stored) {
        try {
            return JSON.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers always serialise", e);
        }
    }
}
