package io.pairdb.storage.node;

/** The data directory cannot be used; the message is one line saying why and what to do. */
public final class DataDirectoryException extends RuntimeException {

    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
