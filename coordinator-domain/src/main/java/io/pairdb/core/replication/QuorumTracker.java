package io.pairdb.core.replication;

/**
 * Counts replica answers against the number required. Not thread-safe: callers
 * serialise access (the use cases hold a lock per request).
 */
public final class QuorumTracker {
    public enum Status { PENDING, REACHED, FAILED }

    private final int required;
    private final int contacted;
    private int successes;
    private int failures;

    public QuorumTracker(int required, int contacted) {
        if (required < 1) {
            throw new IllegalArgumentException("at least one answer is required");
        }
        if (contacted < required) {
            throw new IllegalArgumentException("contacting " + contacted + " replicas can never give " + required + " answers");
        }
        this.required = required;
        this.contacted = contacted;
    }

    public Status success() {
        successes++;
        return status();
    }

    public Status failure() {
        failures++;
        return status();
    }

    public Status status() {
        if (successes >= required) {
            return Status.REACHED;
        }
        if (contacted - failures < required) {
            return Status.FAILED;
        }
        return Status.PENDING;
    }

    public int successes() {
        return successes;
    }

    public int failures() {
        return failures;
    }

    public int required() {
        return required;
    }

    public int outstanding() {
        return contacted - successes - failures;
    }
}
