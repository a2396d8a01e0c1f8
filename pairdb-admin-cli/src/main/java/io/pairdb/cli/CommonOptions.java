package io.pairdb.cli;

import io.pairdb.cli.output.Json;
import io.pairdb.cli.output.OutputFormat;
import io.pairdb.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.pairdb.proto.admin.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc.CoordinatorServiceBlockingStub;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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
    public static final String TOKEN_VARIABLE = "PAIRDB_TOKEN";
    /** Where dev mode leaves its CA ({@code ca.pem}) and admin token ({@code token}); default {@code ~/.pairdb}. */
    public static final String HOME_VARIABLE = "PAIRDB_HOME";

    @Option(names = "--addr", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT", converter = CoordinatorAddress.Converter.class,
            description = "Coordinator to call (default: $" + ADDRESS_VARIABLE + ", else localhost:50051).")
    private CoordinatorAddress address;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table, json or yaml (default: table).")
    private OutputFormat output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "10s", converter = TimeoutConverter.class,
            description = "Deadline of each call, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--plaintext", scope = ScopeType.INHERIT,
            description = "Connect without TLS (default: TLS), to a coordinator run without it. An API key given"
                    + " with --token-file or $" + TOKEN_VARIABLE + " is then refused unless --insecure.")
    private boolean plaintext;

    @Option(names = "--insecure", scope = ScopeType.INHERIT,
            description = "With --plaintext, send the API key anyway: anyone on the network can read it.")
    private boolean insecure;

    @Option(names = "--ca-cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Trust the coordinator's certificate when this CA (PEM) signed it (default: the JVM's CAs,"
                    + " and, with no --cert, --token-file or $PAIRDB_TOKEN, dev mode's $" + HOME_VARIABLE + "/ca.pem).")
    private Path caCert;

    @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Client certificate (PEM) for mutual TLS; needs --key.")
    private Path cert;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The client certificate's private key (PKCS#8 PEM).")
    private Path key;

    @Option(names = "--server-name", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "The name the coordinator's certificate must carry (default: the host of --addr).")
    private String serverName;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Send the API key in this file (default: $" + TOKEN_VARIABLE + ", else $" + HOME_VARIABLE
                    + "/token when no --ca-cert or --cert is given). Never give a token as an argument.")
    private Path tokenFile;

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

    /** The deadline of each call ({@code --timeout}). */
    public Duration timeout() {
        return timeout;
    }

    public CoordinatorServiceBlockingStub coordinator() {
        return connection.coordinator(endpoint());
    }

    public AuthServiceBlockingStub auth() {
        return connection.auth(endpoint());
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
        if ((cert == null) != (key == null)) {
            throw CommandFailure.local("--cert and --key go together: give both for mutual TLS");
        }
        if (serverName != null && !CoordinatorAddress.isHostName(serverName)) {
            throw CommandFailure.local("--server-name: '" + serverName + "' is not a host name (letters, digits, '-'"
                    + " and '.', no '_')");
        }
        Path home = home(host);
        Optional<BearerToken> token = explicitToken();
        // dev mode's CA goes with dev mode's token only: its key sits beside it, so whoever can read that file could
        // pose as any coordinator, and must not be handed credentials meant for a real one
        boolean ownCredentials = caCert != null || cert != null || token.isPresent();
        Optional<Path> homeCa = Optional.of(home.resolve("ca.pem")).filter(Files::isRegularFile)
                .filter(ca -> !ownCredentials);
        Transport transport = plaintext ? new Transport.Plaintext() : new Transport.Tls(Optional.ofNullable(caCert),
                homeCa, cert == null ? Optional.empty() : Optional.of(new Transport.ClientCertificate(cert, key)),
                Optional.ofNullable(serverName));
        if (token.isPresent() && plaintext && !insecure) {
            throw CommandFailure.local("refusing to send an API key (" + token.get().source() + ") over plaintext:"
                    + " anyone on the network could read it; connect with TLS (drop --plaintext), or add --insecure");
        }
        if (token.isEmpty() && !plaintext && homeCa.isPresent()) {
            // dev mode's admin token goes with dev mode's CA, never in plaintext, and only to a coordinator that CA
            // vouches for: the JVM's CAs are trusted too, and one of them may vouch for a server --addr names by mistake
            token = readToken(home.resolve("token"), home.resolve("token").toString(), true)
                    .map(devToken -> new BearerToken(devToken.value(), devToken.source(), homeCa));
        }
        return new Endpoint(address(address, host), transport, token, timeout);
    }

    private Optional<BearerToken> explicitToken() {
        if (tokenFile != null) {
            return readToken(tokenFile, "--token-file " + tokenFile, false);
        }
        return host.variable(TOKEN_VARIABLE).map(value -> new BearerToken(value.strip(), "$" + TOKEN_VARIABLE));
    }

    private static Optional<BearerToken> readToken(Path file, String source, boolean optional) {
        if (optional && !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String value = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (value.isEmpty()) {
                throw CommandFailure.local(source + ": the file is empty");
            }
            return Optional.of(new BearerToken(value, source));
        } catch (IOException e) {
            throw CommandFailure.local(source + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** {@code $PAIRDB_HOME}, else {@code ~/.pairdb}. */
    static Path home(Host host) {
        return host.variable(HOME_VARIABLE).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".pairdb"));
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
