package io.pairdb.cli.hints;

import io.pairdb.proto.admin.v1.HintsDropped;

/** Hints given up on, by reason, as the CLI prints them. */
record Dropped(long maxAttempts, long expired, long nodeLeft, long notAReplica) {
    static Dropped from(HintsDropped dropped) {
        return new Dropped(dropped.getMaxAttempts(), dropped.getExpired(), dropped.getNodeLeft(),
                dropped.getNotAReplica());
    }

    long total() {
        return maxAttempts + expired + nodeLeft + notAReplica;
    }

    /** {@code 0}, or the total with its reasons, e.g. {@code 3 (max attempts 1, expired 2)}. */
    String text() {
        if (total() == 0) {
            return "0";
        }
        StringBuilder reasons = new StringBuilder();
        append(reasons, "max attempts", maxAttempts);
        append(reasons, "expired", expired);
        append(reasons, "node left", nodeLeft);
        append(reasons, "not a replica", notAReplica);
        return total() + " (" + reasons + ")";
    }

    private static void append(StringBuilder reasons, String reason, long count) {
        if (count > 0) {
            reasons.append(reasons.isEmpty() ? "" : ", ").append(reason).append(' ').append(count);
        }
    }
}
