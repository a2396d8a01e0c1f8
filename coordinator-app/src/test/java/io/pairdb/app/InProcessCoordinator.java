package io.pairdb.app;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.pairdb.app.dev.DevBootstrap;
import io.pairdb.app.dev.DevCluster;
import io.pairdb.core.node.StorageNode;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A whole coordinator for end-to-end tests: dev mode's embedded PostgreSQL, Redis and
 * storage nodes, the real Micronaut application on free ports, and gRPC stubs to it.
 */
final class InProcessCoordinator implements DataPlane, AutoCloseable {
    final DevCluster cluster;
    final ApplicationContext context;
    final ManagedChannel channel;
    final int grpcPort;
    final int httpPort;
    private final boolean ownsCluster;

    private InProcessCoordinator(DevCluster cluster, ApplicationContext context, int grpcPort, int httpPort,
                               boolean ownsCluster) {
        this.cluster = cluster;
        this.context = context;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.ownsCluster = ownsCluster;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    /**
     * Topology-change and failure-detector timings short enough for a test to see fences, takeovers
     * and checkpoints within seconds, with {@code extra} on top. They keep the rules start-up enforces
     * (LossSafety): the settle delay covers the write timeout, a coordinator goes stale before the
     * fence stops waiting for it, and the lease outlasts two storage calls.
     */
    static Map<String, Object> quickChanges(Map<String, Object> extra) {
        Map<String, Object> timings = new HashMap<>(Map.ofEntries(
                Map.entry("pairdb.coordinator.write-timeout", "2s"),
                Map.entry("pairdb.topology-changes.heartbeat-interval", "300ms"),
                Map.entry("pairdb.topology-changes.stale-after", "2s"),
                Map.entry("pairdb.topology-changes.liveness-timeout", "3s"),
                Map.entry("pairdb.topology-changes.lease", "6s"),
                Map.entry("pairdb.topology-changes.storage-timeout", "3s"),
                Map.entry("pairdb.topology-changes.takeover-interval", "500ms"),
                Map.entry("pairdb.topology-changes.settle-delay", "2s"),
                Map.entry("pairdb.topology-changes.checkpoint-interval", "100ms"),
                Map.entry("pairdb.topology.refresh-interval", "1s"),
                Map.entry("pairdb.failure-detector.interval", "200ms"),
                Map.entry("pairdb.failure-detector.timeout", "1s")));
        timings.putAll(extra);
        return Map.copyOf(timings);
    }

    static InProcessCoordinator start(int nodes, Map<String, Object> extra) {
        return start(nodes, null, extra);
    }

    /** Dev mode with {@code --data-dir}: PostgreSQL, Redis and durable storage nodes keep their data there. */
    static InProcessCoordinator start(int nodes, Path dataDirectory, Map<String, Object> extra) {
        return start(nodes, dataDirectory, StorageNode.DEFAULT_VIRTUAL_NODES, extra);
    }

    /** Dev mode with {@code --vnodes}: each node has {@code virtualNodes} positions on the ring. */
    static InProcessCoordinator withVirtualNodes(int nodes, int virtualNodes, Map<String, Object> extra) {
        return start(nodes, null, virtualNodes, extra);
    }

    private static InProcessCoordinator start(int nodes, Path dataDirectory, int virtualNodes, Map<String, Object> extra) {
        DevCluster cluster = DevCluster.start(nodes, dataDirectory);
        try {
            InProcessCoordinator harness = launch(cluster, extra, true);
            new DevBootstrap(harness.context, cluster, Optional.empty(), virtualNodes)
                    .run(harness.grpcPort, harness.httpPort);
            return harness;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Another coordinator over the same PostgreSQL, Redis and storage nodes; closing it leaves them running. */
    static InProcessCoordinator alongside(InProcessCoordinator first, Map<String, Object> extra) {
        return launch(first.cluster, extra, false);
    }

    private static InProcessCoordinator launch(DevCluster cluster, Map<String, Object> extra, boolean ownsCluster) {
        // a port found free may be taken before the server binds it (by another test's outgoing connection, say):
        // try fresh ones then, unless the test chose its ports
        boolean portsChosen = extra.containsKey("grpc.server.port") || extra.containsKey("micronaut.server.port");
        for (int attempt = 1; ; attempt++) {
            try {
                return launchOnce(cluster, extra, ownsCluster);
            } catch (RuntimeException e) {
                if (portsChosen || attempt == 3 || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static InProcessCoordinator launchOnce(DevCluster cluster, Map<String, Object> extra, boolean ownsCluster) {
        int grpcPort = FreePorts.pick();
        int httpPort = FreePorts.pick();
        Map<String, Object> props = new HashMap<>(cluster.properties());
        props.put("grpc.server.port", grpcPort);
        props.put("micronaut.server.port", httpPort);
        // security is not what these tests are about; the security ITs set it up through extra
        props.put("pairdb.security.authentication", "off");
        props.putAll(extra);
        ApplicationContext context = Micronaut.build(new String[0])
                .mainClass(CoordinatorMain.class)
                .properties(props)
                .environments("dev")
                .banner(false)
                .start();
        return new InProcessCoordinator(cluster, context, grpcPort, httpPort, ownsCluster);
    }

    @Override
    public CoordinatorServiceGrpc.CoordinatorServiceBlockingStub data() {
        return CoordinatorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin() {
        return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            context.close();
        } finally {
            if (ownsCluster) {
                cluster.close();
            }
        }
    }
}
