package io.pairdb.core.node;

import io.pairdb.core.PairDbException;

/**
 * A storage node answered, and refuses writes for now while it still serves reads: its disk is
 * full, for example. Unlike a node that cannot be reached, it is seen UP and its probes succeed;
 * its refusal ends when the operator makes room, so work that would otherwise count failed
 * attempts against it (hint replay) waits instead.
 */
public final class WritesRefusedException extends PairDbException {
    private final String reason;

    /**
     * @param reason the node's reason, e.g. {@code DISK_FULL}
     */
    public WritesRefusedException(String subject, String reason, String message, Throwable cause) {
        super(subject, message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
