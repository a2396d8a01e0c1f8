package io.pairdb.cli;

import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.pairdb.cli.hints.HintsCommand;
import io.pairdb.cli.kv.KvCommand;
import io.pairdb.cli.node.NodeCommand;
import io.pairdb.cli.ring.ExplainKeyCommand;
import io.pairdb.cli.tenant.TenantCommand;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

@Command(
        name = "pairdb-admin",
        mixinStandardHelpOptions = true,
        // Subcommands inherit -h/-V, the version and the exit-status footer.
        scope = ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Operates a PairDB coordinator: tenants, storage nodes, the ring, keys, hints, repair, API keys.",
        subcommands = {
            TenantCommand.class,
            NodeCommand.class,
            KvCommand.class,
            ExplainKeyCommand.class,
            io.pairdb.cli.ring.RingCommand.class,
            HintsCommand.class,
            io.pairdb.cli.change.ChangeCommand.class,
            io.pairdb.cli.cleanup.CleanupCommand.class,
            io.pairdb.cli.repair.RepairCommand.class,
            io.pairdb.cli.bench.BenchCommand.class,
            io.pairdb.cli.auth.AuthCommand.class,
            CompletionCommand.class,
            HelpCommand.class,
        },
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  success",
            "  1  bad usage, or a local failure (file, environment)",
            "  2  the coordinator answered with an error, or could not be reached",
        })
public final class PairdbAdmin {

    // Held so the level set on it is not lost when java.util.logging lets go of the logger.
    private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

    // Mixed in here, the options are inherited by every subcommand (see CommonOptions).
    @Mixin
    private CommonOptions options;

    public static void main(String[] args) {
        quietNetty();
        // gRPC logs through java.util.logging, e.g. a warning with a stack trace when a name
        // does not resolve; the error line already says it, so only severe entries get through.
        GRPC_LOGGER.setLevel(Level.SEVERE);
        System.exit(run(Host.system(), args));
    }

    /**
     * A short-lived client needs neither Netty's native transport (extracted to a temporary
     * directory on every start) nor its off-heap tricks, and on JDK 25 both print warnings
     * about restricted and {@code sun.misc.Unsafe} methods to stderr. Must run before any
     * Netty class loads; an explicit {@code -D} still wins.
     */
    private static void quietNetty() {
        for (String property : new String[] {
            "io.grpc.netty.shaded.io.netty.transport.noNative",
            "io.grpc.netty.shaded.io.netty.noUnsafe",
        }) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
    }

    /**
     * Runs one command line, as the {@code pairdb-admin} binary would, against the given
     * streams and environment variables.
     *
     * @return the exit code
     */
    public static int run(Host host, String... args) {
        try (ApplicationContext context = ApplicationContext.builder(PairdbAdmin.class, Environment.CLI)
                .deduceEnvironment(false)
                // Environment variables reach commands through Host only, so tests control them.
                .environmentPropertySource(false)
                .singletons(host)
                .start()) {
            PrintWriter out = writer(host.out());
            PrintWriter err = writer(host.err());
            CommandLine commandLine = new CommandLine(PairdbAdmin.class, new MicronautFactory(context))
                    .setOut(out)
                    .setErr(err)
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .setParameterExceptionHandler(new UsageErrorHandler())
                    .setExecutionExceptionHandler(context.getBean(ErrorReporter.class));
            int exitCode = commandLine.execute(args);
            out.flush();
            err.flush();
            return exitCode;
        }
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
