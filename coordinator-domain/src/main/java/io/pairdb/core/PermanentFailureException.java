package io.pairdb.core;

/**
 * An infrastructure failure that repeating the same call cannot fix: the store or node was
 * reached, understood the request and refused it (data it cannot hold, a broken constraint).
 * Whoever retries on a {@link PairDbException} gives up on this one instead of spinning.
 */
public class PermanentFailureException extends PairDbException {
    public PermanentFailureException(String subject, String message, Throwable cause) {
        super(subject, message, cause);
    }
}
