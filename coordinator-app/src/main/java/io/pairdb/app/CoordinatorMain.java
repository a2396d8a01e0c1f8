package io.pairdb.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.pairdb.app.dev.DevCluster;
import io.pairdb.app.dev.DevBootstrap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the coordinator. Without options it uses the PostgreSQL and Redis its configuration
 * names; {@code --dev} brings its own (embedded) servers and emulator storage nodes.
 * Any other {@code --key=value} argument is passed to Micronaut as configuration.
 */
@Command(name = "pairdb-coordinator", mixinStandardHelpOptions = true, version = "pairdb-coordinator 0.1.0",
        description = "The PairDB coordinator: a stateless gRPC service in front of the storage nodes.")
public final class CoordinatorMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);

    @Option(names = "--dev", description = "Dev mode: embedded PostgreSQL and Redis, in-process emulator storage nodes, a 'default' tenant.")
    boolean dev;

    @Option(names = "--nodes", defaultValue = "3", description = "Dev mode: how many in-process emulator nodes to start (default ${DEFAULT-VALUE}; 0 to add external ones with pairdb-admin node add).")
    int nodes;

    @Option(names = "--data-dir", description = "Dev mode: keep PostgreSQL and Redis data here across restarts (default: throw-away).")
    Path dataDir;

    @CommandLine.Unmatched
    List<String> micronautArgs = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new CoordinatorMain());
        cli.setUnmatchedArgumentsAllowed(true);
        int exit = cli.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() {
        if (nodes < 0) {
            System.err.println("error: --nodes must not be negative");
            return 1;
        }
        DevCluster cluster = null;
        Map<String, Object> properties = new HashMap<>();
        if (dev) {
            cluster = DevCluster.start(nodes, dataDir);
            properties.putAll(cluster.properties());
        }
        ApplicationContext context;
        try {
            context = Micronaut.build(micronautArgs.toArray(String[]::new))
                    .mainClass(CoordinatorMain.class)
                    .properties(properties)
                    .environments(dev ? new String[] {"dev"} : new String[0])
                    .start();
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        DevCluster started = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (context.isRunning()) {
                context.stop();
            }
            if (started != null) {
                started.close();
            }
        }, "pairdb-shutdown"));
        int grpcPort = context.getProperty("grpc.server.port", Integer.class).orElse(50051);
        int httpPort = context.getProperty("micronaut.server.port", Integer.class).orElse(8080);
        if (started != null) {
            new DevBootstrap(context, started).run(grpcPort, httpPort);
        } else {
            LOG.info("PairDB coordinator ready: gRPC on port {}, management HTTP on port {}", grpcPort, httpPort);
        }
        return 0;
    }
}
