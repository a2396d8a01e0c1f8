package io.pairdb.storage.server;

/**
 * The engine refuses writes for now (its disk is full, for example) while it still serves reads.
 * The endpoint answers {@code RESOURCE_EXHAUSTED} with the reason, so the coordinator hints the
 * write and the client's answer names the cause.
 */
public final class WritesRefusedException extends RuntimeException {

    private final String reason;

    /**
     * @param reason the {@code ErrorInfo} reason, e.g. {@code DISK_FULL}
     * @param message what happened and what to do, for the operator
     */
    public WritesRefusedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public WritesRefusedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
