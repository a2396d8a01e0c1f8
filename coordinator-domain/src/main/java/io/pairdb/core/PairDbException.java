package io.pairdb.core;

/**
 * The one unchecked hierarchy for infrastructure failures (a store or node that could not
 * be reached, a timeout on a port call). It names what was involved so a log line is
 * actionable; expected outcomes never travel as exceptions.
 */
public class PairDbException extends RuntimeException {
    private final String subject;

    public PairDbException(String subject, String message, Throwable cause) {
        super(message, cause);
        this.subject = subject;
    }

    public PairDbException(String subject, String message) {
        this(subject, message, null);
    }

    /** The tenant, key, node or store the failure concerns. */
    public String subject() {
        return subject;
    }
}
