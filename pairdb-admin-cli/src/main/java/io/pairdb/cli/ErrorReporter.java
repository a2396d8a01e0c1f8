package io.pairdb.cli;

import io.grpc.StatusRuntimeException;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place where a failed command becomes an exit code and a line on stderr:
 * gRPC errors exit {@value ExitCodes#SERVER_ERROR}, local failures {@value ExitCodes#LOCAL_ERROR}.
 * Users see {@code error: ...}, never a stack trace, unless {@value #DEBUG_VARIABLE} is set.
 */
@Singleton
public final class ErrorReporter implements IExecutionExceptionHandler {

    static final String DEBUG_VARIABLE = "PAIRDB_ADMIN_DEBUG";

    private final CoordinatorConnection connection;
    private final Host host;

    public ErrorReporter(CoordinatorConnection connection, Host host) {
        this.connection = connection;
        this.host = host;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        int exitCode = switch (failure) {
            case StatusRuntimeException error -> {
                err.println("error: " + ServerErrors.describe(error, connection.endpoint()));
                yield ExitCodes.SERVER_ERROR;
            }
            case CommandFailure error -> {
                err.println("error: " + error.getMessage());
                yield error.exitCode();
            }
            default -> {
                err.println("error: " + failure);
                yield ExitCodes.LOCAL_ERROR;
            }
        };
        if (host.variable(DEBUG_VARIABLE).isPresent()) {
            failure.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }
}
