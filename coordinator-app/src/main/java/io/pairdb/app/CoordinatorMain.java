package io.pairdb.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pairdb.app.config.ConfigurationCheck;
import io.pairdb.app.dev.DevBootstrap;
import io.pairdb.app.dev.DevCluster;
import io.pairdb.app.dev.DevCredentials;
import io.pairdb.core.node.StorageNode;
import io.micronaut.context.env.Environment;
import java.util.Optional;
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
import sun.misc.Signal;

/**
 * Starts the coordinator. Without options it uses the PostgreSQL and Redis its configuration
 * names; {@code --dev} brings its own (embedded) servers and storage nodes;
 * {@code --migrate} only migrates the configured database and exits.
 * Any other {@code --key=value} argument is passed to Micronaut as configuration.
 *
 * <p>Exit codes: 0 after a clean stop (SIGTERM included), 1 when start-up or the migration
 * fails; the reason is one line on stderr.
 */
@Command(name = "pairdb-coordinator", mixinStandardHelpOptions = true, version = "pairdb-coordinator 0.1.0",
        description = "The PairDB coordinator: a stateless gRPC service in front of the storage nodes.")
public final class CoordinatorMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);

    @Option(names = "--dev", description = "Dev mode: embedded PostgreSQL and Redis, in-process emulator storage nodes, a 'default' tenant.")
    boolean dev;

    @Option(names = "--nodes", defaultValue = "3", description = "Dev mode: how many in-process storage nodes to start (default ${DEFAULT-VALUE}; 0 to add external ones with pairdb-admin node add).")
    int nodes;

    @Option(names = "--vnodes", defaultValue = "" + StorageNode.DEFAULT_VIRTUAL_NODES, description = "Dev mode: each in-process storage node's virtual nodes (positions on the ring), 1-" + StorageNode.MAX_VIRTUAL_NODES + ", when it is first registered (default ${DEFAULT-VALUE}, as pairdb-admin node add).")
    int vnodes;

    @Option(names = "--data-dir", description = "Dev mode: keep PostgreSQL, Redis and the storage nodes' data here across restarts; the nodes are then durable (RocksDB) nodes (default: throw-away data, in-memory emulator nodes).")
    Path dataDir;

    @Option(names = "--migrate", description = "Apply the schema migrations to the configured database and exit (0: done, 1: failed).")
    boolean migrate;

    @CommandLine.Unmatched
    List<String> micronautArgs = new ArrayList<>();

    /** Netty's per-thread pool of recycled objects; 0 turns it off. */
    static final String NETTY_RECYCLER = "io.netty.recycler.maxCapacityPerThread";

    /**
     * JVM-wide settings the coordinator runs best with, each only where the operator has not set it
     * ({@code -D...} or {@code JAVA_TOOL_OPTIONS}); must run before any Netty class loads. Netty's
     * object recycler is off: with it off the coordinator spent 4-16 % less CPU per quorum write, read
     * and mixed call in three benchmark pairs (bench/RESULTS.md, issue 20). Why was not measured;
     * likely its pooled objects cost less to allocate afresh than to hand back across event loops.
     */
    static void applyJvmDefaults(java.util.Properties system) {
        if (system.getProperty(NETTY_RECYCLER) == null) {
            system.setProperty(NETTY_RECYCLER, "0");
        }
    }

    public static void main(String[] args) {
        applyJvmDefaults(System.getProperties());
        CoordinatorMain main = new CoordinatorMain();
        CommandLine cli = new CommandLine(main);
        cli.setUnmatchedArgumentsAllowed(true);
        int exit = cli.execute(args);
        // a running server keeps the JVM alive through its non-daemon threads; everything else ends here
        if (exit != 0 || main.migrate) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() {
        if (nodes < 0) {
            System.err.println("error: --nodes must not be negative");
            return 1;
        }
        if (vnodes < 1 || vnodes > StorageNode.MAX_VIRTUAL_NODES) {
            System.err.println("error: --vnodes must be 1-" + StorageNode.MAX_VIRTUAL_NODES + ", not " + vnodes);
            return 1;
        }
        if (migrate) {
            if (dev) {
                System.err.println("error: --migrate migrates the configured database; dev mode migrates its own at start");
                return 1;
            }
            return SchemaMigration.run(micronautArgs.toArray(String[]::new));
        }
        return serve();
    }

    private int serve() {
        DevCluster cluster = null;
        DevCredentials credentials = null;
        ApplicationContext context = null;
        EmbeddedApplication<?> server;
        try {
            Map<String, Object> properties = new HashMap<>();
            if (dev) {
                cluster = DevCluster.start(nodes, dataDir);
                properties.putAll(cluster.properties());
                credentials = devCredentials(properties);
            }
            // not Micronaut.run: it registers a shutdown hook of its own that would race this one
            context = ApplicationContext.builder()
                    .mainClass(CoordinatorMain.class)
                    .args(micronautArgs.toArray(String[]::new))
                    .properties(properties)
                    .environments(dev ? new String[] {"dev"} : new String[0])
                    .build();
            // before start(): starting the context opens the database pool
            ConfigurationCheck.verify(context.getEnvironment().start());
            context.start();
            // health settings are read when the indicators are made: make them now, so a bad one stops start-up
            context.getBeansOfType(HealthIndicator.class);
            server = context.getBean(EmbeddedApplication.class);
            server.start();
        } catch (RuntimeException e) {
            System.err.println("pairdb-coordinator: could not start: " + StartupFailure.describe(e));
            LOG.debug("start-up failed", e);
            stopQuietly(context, cluster);
            if (credentials != null) {
                credentials.close();
            }
            return 1;
        }
        GracefulShutdown shutdown = context.getBean(GracefulShutdown.class);
        ApplicationContext started = context;
        DevCluster devCluster = cluster;
        DevCredentials devCredentials = credentials;
        // the one shutdown path: drain the gRPC server, then the HTTP server and the context, then dev mode's servers
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                shutdown.drain();
                server.stop();
            } catch (RuntimeException e) {
                LOG.warn("error while stopping: {}", e.getMessage());
            } finally {
                stopQuietly(started, devCluster);
                if (devCredentials != null) {
                    devCredentials.close();
                }
            }
            LOG.atInfo().addKeyValue("event", "stopped").log("PairDB coordinator stopped");
        }, "pairdb-shutdown"));
        // SIGTERM is how Kubernetes asks for a stop: an orderly one is a success, not "killed by signal" (143)
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));

        // the ports the servers got, which differ from the settings when those ask for any free port (0)
        int grpcPort = started.findBean(GrpcEmbeddedServer.class).map(GrpcEmbeddedServer::getPort)
                .orElseGet(() -> started.getProperty("grpc.server.port", Integer.class).orElse(50051));
        int httpPort = server instanceof EmbeddedServer http ? http.getPort()
                : started.getProperty("micronaut.server.port", Integer.class).orElse(8080);
        if (devCluster != null) {
            try {
                new DevBootstrap(context, devCluster, Optional.ofNullable(devCredentials), vnodes).run(grpcPort, httpPort);
            } catch (RuntimeException e) {
                System.err.println("pairdb-coordinator: could not set up dev mode: " + StartupFailure.describe(e));
                LOG.debug("dev mode set-up failed", e);
                return 1;
            }
        } else {
            LOG.atInfo().addKeyValue("event", "ready").addKeyValue("grpc_port", grpcPort).addKeyValue("http_port", httpPort)
                    .log("PairDB coordinator ready: gRPC on port {}, management HTTP on port {}", grpcPort, httpPort);
        }
        return 0;
    }

    /**
     * Dev mode's TLS and admin key (see {@link DevCredentials}), unless this run switches
     * authentication off; settings given explicitly (a certificate, a token file) win.
     */
    private DevCredentials devCredentials(Map<String, Object> properties) {
        Environment configuration = ApplicationContext.builder().mainClass(CoordinatorMain.class)
                .args(micronautArgs.toArray(String[]::new)).environments("dev").build().getEnvironment().start();
        try {
            if ("off".equalsIgnoreCase(configuration.getProperty("pairdb.security.authentication", String.class)
                    .orElse("required").strip())) {
                return null;
            }
            DevCredentials credentials = DevCredentials.prepare(DevCredentials.home(System.getenv()));
            credentials.properties().forEach((key, value) -> {
                if (!configuration.containsProperty(key)) {
                    properties.put(key, value);
                }
            });
            return credentials;
        } finally {
            configuration.stop();
        }
    }

    private static void stopQuietly(ApplicationContext context, DevCluster cluster) {
        try {
            if (context != null && context.isRunning()) {
                context.stop();
            }
        } catch (RuntimeException e) {
            LOG.warn("error while stopping: {}", e.getMessage());
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
