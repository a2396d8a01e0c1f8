package io.pairdb.system;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A PairDB cluster made of the built binaries, for tests that drive {@code pairdb-admin} as an
 * operator would: one coordinator process from {@code pairdb-coordinator.jar} in dev mode
 * ({@code --dev --nodes N}: embedded PostgreSQL and Redis, N in-process emulator nodes, a
 * {@code default} tenant with RF 3, TLS with dev mode's CA and its admin token in a directory of
 * the cluster's), plus emulator storage nodes as their own processes that
 * tests add to the ring or kill. Start one per test class: a coordinator takes a while to start.
 *
 * <pre>{@code
 * try (SystemCluster cluster = SystemCluster.startDev(3, SystemCluster.FAST_TOPOLOGY_CHANGES)) {
 *     var n4 = cluster.startEmulator("n4");
 *     var result = cluster.cli().run("node", "add", "n4", "--host", "127.0.0.1", "--port", "" + n4.port(), "--watch");
 * }
 * }</pre>
 */
public final class SystemCluster implements AutoCloseable {
    /** Test-short timings of topology changes, as coordinator properties. */
    public static final Map<String, String> FAST_TOPOLOGY_CHANGES = Map.ofEntries(
            Map.entry("pairdb.coordinator.write-timeout", "2s"),
            Map.entry("pairdb.topology-changes.heartbeat-interval", "300ms"),
            Map.entry("pairdb.topology-changes.stale-after", "2s"),
            Map.entry("pairdb.topology-changes.liveness-timeout", "3s"),
            Map.entry("pairdb.topology-changes.lease", "6s"),
            Map.entry("pairdb.topology-changes.takeover-interval", "500ms"),
            Map.entry("pairdb.topology-changes.settle-delay", "2s"),
            Map.entry("pairdb.topology-changes.stream-failure-timeout", "4s"),
            Map.entry("pairdb.topology-changes.retry-backoff", "200ms"),
            Map.entry("pairdb.topology-changes.retry-backoff-max", "1s"),
            Map.entry("pairdb.topology-changes.checkpoint-interval", "100ms"),
            Map.entry("pairdb.topology-changes.storage-timeout", "3s"),
            Map.entry("pairdb.topology.refresh-interval", "1s"),
            Map.entry("pairdb.failure-detector.interval", "200ms"),
            Map.entry("pairdb.failure-detector.timeout", "1s"));

    private static final Duration STARTUP = Duration.ofMinutes(4);

    private final Process coordinator;
    private final int grpcPort;
    private final Path home;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<EmulatorNode> emulators = new CopyOnWriteArrayList<>();
    private ManagedChannel channel;

    private SystemCluster(Process coordinator, int grpcPort, Path home) {
        this.coordinator = coordinator;
        this.grpcPort = grpcPort;
        this.home = home;
        Thread.ofPlatform().daemon().name("coordinator-output").start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(coordinator.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    output.add(line);
                    System.out.println("[coordinator] " + line);
                }
            } catch (IOException e) {
                output.add("<output unreadable: " + e.getMessage() + ">");
            }
        });
    }

    /**
     * Starts the coordinator in dev mode with {@code devNodes} in-process emulator nodes and the
     * given properties (as {@code -D} system properties), and returns once it is ready.
     */
    public static SystemCluster startDev(int devNodes, Map<String, String> properties) {
        // the ports are picked free before the coordinator binds them, and dev mode's own servers (storage
        // nodes on ephemeral ports) may take one first: a start that lost its port is tried again on others
        for (int attempt = 1; ; attempt++) {
            try {
                return startDevOnce(devNodes, properties);
            } catch (PortTaken e) {
                if (attempt == 3) {
                    throw new IllegalStateException("the coordinator lost its picked ports three times", e);
                }
            }
        }
    }

    private static final class PortTaken extends RuntimeException {
        PortTaken(String output) {
            super(output);
        }
    }

    private static SystemCluster startDevOnce(int devNodes, Map<String, String> properties) {
        int grpcPort = FreePorts.pick();
        List<String> command = new ArrayList<>(List.of(BuiltJars.java(), "-Xshare:auto", "-XX:+UseSerialGC"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", BuiltJars.copyOf(BuiltJars.COORDINATOR).toString(), "--dev", "--nodes",
                String.valueOf(devNodes)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GRPC_SERVER_PORT", String.valueOf(grpcPort));
        builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(FreePorts.pick()));
        SystemCluster cluster;
        try {
            // dev mode leaves its CA and admin token here, where the CLI of this cluster looks
            Path home = Files.createTempDirectory("pairdb-system-home-");
            builder.environment().put("PAIRDB_HOME", home.toString());
            cluster = new SystemCluster(builder.start(), grpcPort, home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.printed("PairDB coordinator ready") || !cluster.coordinator.isAlive());
            if (!cluster.printed("PairDB coordinator ready")) {
                if (cluster.printed("Failed to bind to address")) {
                    throw new PortTaken(String.join("\n", cluster.output));
                }
                throw new IllegalStateException("the coordinator exited before it was ready:\n"
                        + String.join("\n", cluster.output));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** {@code host:port} of the coordinator's gRPC server. */
    public String address() {
        return "127.0.0.1:" + grpcPort;
    }

    /** The admin CLI pointed at this cluster's coordinator. */
    public AdminCli cli() {
        return new AdminCli(address(), home);
    }

    /** Where dev mode left its CA ({@code ca.pem}) and admin token ({@code token}). */
    public Path home() {
        return home;
    }

    /**
     * Starts an emulator storage node process (not yet in the ring) with these more options, such
     * as {@code --tls-cert FILE}; stopped when the cluster closes.
     */
    public EmulatorNode startEmulator(String nodeId, String... options) {
        EmulatorNode node = EmulatorNode.start(nodeId, FreePorts.pick(), List.of(options));
        emulators.add(node);
        return node;
    }

    /** Writes keys {@code prefix0 … prefix(count-1)} through the data plane at quorum. */
    public void write(String tenant, String prefix, int count) {
        Metadata token = new Metadata();
        try {
            token.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + Files.readString(home.resolve("token")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var stub = CoordinatorServiceGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token));
        for (int i = 0; i < count; i++) {
            stub.withDeadlineAfter(20, TimeUnit.SECONDS).writeKeyValue(WriteKeyValueRequest.newBuilder()
                    .setTenantId(tenant).setKey(prefix + i).setValue(ByteString.copyFromUtf8("value-" + i))
                    .setConsistency("quorum").build());
        }
    }

    public boolean printed(String text) {
        return output.stream().anyMatch(line -> line.contains(text));
    }

    private synchronized ManagedChannel channel() {
        if (channel == null) {
            try {
                channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, TlsChannelCredentials.newBuilder()
                        .trustManager(home.resolve("ca.pem").toFile()).build()).overrideAuthority("localhost").build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return channel;
    }

    /** Stops the emulators and the coordinator (and what it started), by their process handles. */
    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        emulators.forEach(EmulatorNode::close);
        if (coordinator.isAlive()) {
            coordinator.toHandle().destroy();
            try {
                if (!coordinator.waitFor(30, TimeUnit.SECONDS)) {
                    coordinator.descendants().forEach(ProcessHandle::destroyForcibly);
                    coordinator.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                coordinator.destroyForcibly();
            }
        }
    }
}
