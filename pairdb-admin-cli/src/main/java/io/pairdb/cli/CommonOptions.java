package io.pairdb.cli;

import io.pairdb.cli.output.Json;
import io.pairdb.cli.output.OutputFormat;
import io.pairdb.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc.CoordinatorServiceBlockingStub;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The options every command takes: which coordinator to call and how, and how to print the
 * answer. The root command mixes it in and its options are inherited by every subcommand, so
 * they go before or after the subcommand's name alike ({@code pairdb-admin --addr h:p tenant list}
 * or {@code pairdb-admin tenant list --addr h:p}). Whatever the position, picocli sets them on
 * this one instance per invocation, which commands have injected and go through for their
 * stubs and their output.
 */
@Singleton
public final class CommonOptions {

    public static final String ADDRESS_VARIABLE = "PAIRDB_ADDR";

    @Option(names = "--addr", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT", converter = CoordinatorAddress.Converter.class,
            description = "Coordinator to call (default: $" + ADDRESS_VARIABLE + ", else localhost:50051).")
    private CoordinatorAddress address;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table, json or yaml (default: table).")
    private OutputFormat output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "10s", converter = TimeoutConverter.class,
            description = "Deadline of each call, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "Connect with TLS, verifying the coordinator against the JVM's trusted CAs (default: plaintext).")
    private boolean tls;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    private final Host host;
    private final CoordinatorConnection connection;

    public CommonOptions(Host host, CoordinatorConnection connection) {
        this.host = host;
        this.connection = connection;
    }

    public AdminServiceBlockingStub admin() {
        return connection.admin(endpoint());
    }

    public CoordinatorServiceBlockingStub coordinator() {
        return connection.coordinator(endpoint());
    }

    public OutputFormat output() {
        return output;
    }

    /** Where the command's result goes (stdout, or what a test captures). */
    public PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** Where messages for the person running the command go (stderr). */
    public PrintWriter err() {
        return command.commandLine().getErr();
    }

    /**
     * Prints the result in the chosen format.
     *
     * @param document what {@code -o json} and {@code -o yaml} print; its record components become the fields
     * @param text what {@code -o table} prints
     * @return the exit code of success, so commands can end with {@code return options.print(...)}
     */
    public int print(Object document, String text) {
        PrintWriter out = command.commandLine().getOut();
        switch (output) {
            case TABLE -> out.print(text.endsWith("\n") ? text : text + "\n");
            case JSON -> out.println(Json.write(document));
            case YAML -> out.print(Json.yaml(document));
        }
        out.flush();
        return ExitCodes.OK;
    }

    Endpoint endpoint() {
        return new Endpoint(address(address, host), tls, timeout);
    }

    /** {@code --addr} if given, else {@value #ADDRESS_VARIABLE} if set, else {@code localhost:50051}. */
    static CoordinatorAddress address(CoordinatorAddress flag, Host host) {
        if (flag != null) {
            return flag;
        }
        return host.variable(ADDRESS_VARIABLE)
                .map(CommonOptions::parseVariable)
                .orElse(CoordinatorAddress.DEFAULT);
    }

    private static CoordinatorAddress parseVariable(String value) {
        try {
            return CoordinatorAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.local(ADDRESS_VARIABLE + ": " + e.getMessage());
        }
    }
}
