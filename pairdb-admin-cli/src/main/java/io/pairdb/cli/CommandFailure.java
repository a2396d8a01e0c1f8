package io.pairdb.cli;

/**
 * A command could not do its job for a reason the user should read. The message is shown
 * as one line on stderr; no stack trace.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    private CommandFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Something on this machine went wrong (a file, an environment variable, ...). */
    public static CommandFailure local(String message) {
        return new CommandFailure(message, ExitCodes.LOCAL_ERROR, null);
    }

    public static CommandFailure local(String message, Throwable cause) {
        return new CommandFailure(message, ExitCodes.LOCAL_ERROR, cause);
    }

    /** The coordinator answered, but not with what was asked for. */
    public static CommandFailure server(String message) {
        return new CommandFailure(message, ExitCodes.SERVER_ERROR, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
