package io.pairdb.cli.kv;

import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueResponse;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.util.List;

/**
 * What {@code kv put} and {@code kv delete} print: the JSON document of either (a delete is a
 * write of a tombstone, so its answer has the same fields) and its one line of text.
 */
record Acknowledged(
        String tenantId,
        String key,
        String idempotencyKey,
        List<ClockEntry> vectorClock,
        int replicaCount,
        String consistency,
        boolean isDuplicate,
        long timestampMs) {

    /** How the line names what was done: "written to 2 replicas", "deleted on 2 replicas". */
    enum Done {
        WRITTEN("written", "to"), DELETED("deleted", "on");

        private final String verb;
        private final String preposition;

        Done(String verb, String preposition) {
            this.verb = verb;
            this.preposition = preposition;
        }
    }

    static Acknowledged of(String tenantId, String key, WriteKeyValueResponse r) {
        return new Acknowledged(tenantId, key, r.getIdempotencyKey(), ClockEntry.from(r.getVectorClock()),
                r.getReplicaCount(), r.getConsistency(), r.getIsDuplicate(), r.getTimestampMs());
    }

    static Acknowledged of(String tenantId, String key, DeleteKeyValueResponse r) {
        return new Acknowledged(tenantId, key, r.getIdempotencyKey(), ClockEntry.from(r.getVectorClock()),
                r.getReplicaCount(), r.getConsistency(), r.getIsDuplicate(), r.getTimestampMs());
    }

    /** Prints the answer in the format asked for; returns the exit code. */
    int print(CommonOptions options, Done done) {
        return options.print(this, text(done));
    }

    String text(Done done) {
        String where = "%d %s at %s (clock %s)".formatted(replicaCount, replicaCount == 1 ? "replica" : "replicas",
                Consistency.text(consistency), ClockEntry.text(vectorClock));
        return isDuplicate
                ? "OK %s/%s was already %s with idempotency key %s: %s".formatted(tenantId, key, done.verb, idempotencyKey,
                        where)
                : "OK %s/%s %s %s %s".formatted(tenantId, key, done.verb, done.preposition, where);
    }
}
