package io.pairdb.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line that does not parse: the problem, suggestions for a mistyped name, and the
 * usage of the command concerned, all on stderr. Exits {@value ExitCodes#LOCAL_ERROR}
 * rather than picocli's 2, which this CLI keeps for server errors.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException problem, String[] args) {
        CommandLine command = problem.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + problem.getMessage());
        UnmatchedArgumentException.printSuggestions(problem, err);
        err.println();
        command.usage(err, command.getColorScheme());
        err.flush();
        return ExitCodes.LOCAL_ERROR;
    }
}
