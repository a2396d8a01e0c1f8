package io.pairdb.cli;

/** The exit statuses scripts can rely on. */
public final class ExitCodes {

    public static final int OK = 0;
    /** Bad usage, or a failure on this machine (unreadable file, bad PAIRDB_ADDR, ...). */
    public static final int LOCAL_ERROR = 1;
    /** The coordinator answered with an error, or could not be reached. */
    public static final int SERVER_ERROR = 2;

    private ExitCodes() {
    }
}
