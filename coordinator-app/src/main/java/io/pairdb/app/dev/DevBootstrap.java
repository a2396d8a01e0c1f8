package io.pairdb.app.dev;

import io.micronaut.context.ApplicationContext;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.storage.server.RunningNode;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers dev mode's storage nodes, creates the {@code default} tenant and says how to connect. */
public final class DevBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(DevBootstrap.class);
    private static final TenantId DEFAULT_TENANT = new TenantId("default");

    private final ApplicationContext context;
    private final DevCluster cluster;
    private final Optional<DevCredentials> credentials;
    private final int virtualNodes;

    /**
     * @param credentials  dev mode's CA and admin token; empty when it runs without authentication
     * @param virtualNodes each dev node's positions on the ring when it is first registered
     */
    public DevBootstrap(ApplicationContext context, DevCluster cluster, Optional<DevCredentials> credentials,
                        int virtualNodes) {
        this.context = context;
        this.cluster = cluster;
        this.credentials = credentials;
        this.virtualNodes = virtualNodes;
    }

    public void run(int grpcPort, int httpPort) {
        ClusterTopology topology = context.getBean(ClusterTopology.class);
        TenantService tenants = context.getBean(TenantService.class);
        for (RunningNode node : cluster.storageNodes()) {
            // with --data-dir a restarted dev cluster finds its nodes registered, at their old ports
            var result = topology.register(new NodeId(node.nodeId()), node.host(), node.port(), virtualNodes);
            if (result instanceof ClusterTopology.Registration.AlreadyRegistered) {
                topology.current().node(new NodeId(node.nodeId())).ifPresent(existing -> {
                    if (existing.port() != node.port() || !existing.host().equals(node.host())) {
                        LOG.info("node {} was at {} in an earlier run; now at {}", node.nodeId(), existing.address(),
                                node.target());
                        topology.relocate(existing.id(), node.host(), node.port());
                    }
                });
            }
        }
        topology.reload();
        int ringNodes = topology.current().currentNodeCount();
        if (ringNodes >= 1 && tenants.find(DEFAULT_TENANT).isEmpty()) {
            int rf = Math.min(3, ringNodes);
            tenants.create(DEFAULT_TENANT, Optional.of(rf));
        }
        String addr = "localhost:" + grpcPort;
        String grpcurl = credentials.map(c -> "grpcurl -cacert " + c.caFile() + " -H \"authorization: Bearer $(cat "
                + c.tokenFile() + ")\" " + addr + " list").orElse("grpcurl -plaintext " + addr + " list");
        StringBuilder banner = new StringBuilder()
                .append("\n\n  PairDB coordinator (dev mode) is ready\n")
                .append("    gRPC          ").append(addr).append(credentials.isPresent() ? " (TLS)" : " (plaintext)")
                .append("   (").append(grpcurl).append(")\n");
        credentials.ifPresent(c -> banner
                .append("    credentials   CA ").append(c.caFile()).append(", admin token ").append(c.tokenFile())
                .append(" (pairdb-admin uses both by default)\n"));
        banner
                .append("    management    http://localhost:").append(httpPort).append("/health/readiness   ")
                .append("http://localhost:").append(httpPort).append("/prometheus\n")
                .append("    storage nodes ").append(ringNodes).append(" in the ring");
        cluster.storageNodes().forEach(n -> banner.append("\n                  ").append(n.nodeId()).append(" at ").append(n.target()));
        banner.append("\n    tenants       ");
        tenants.list().forEach(t -> banner.append(t.id()).append(" (RF ").append(t.replicationFactor()).append(") "));
        String cli = "bin/pairdb-admin --addr " + addr + (credentials.isPresent() ? "" : " --plaintext");
        banner.append("\n\n  Try:  ").append(cli).append(" kv put default user:1 hello\n")
                .append("        ").append(cli).append(" kv get default user:1\n");
        if (ringNodes == 0) {
            banner.append("\n  No storage nodes yet: start some (java -jar storage-node/target/pairdb-storage-node.jar --data-dir /tmp/node-1 --node-id node-1 --port 7001)\n")
                    .append("  and add them: bin/pairdb-admin node add node-1 --host 127.0.0.1 --port 7001\n");
        }
        LOG.info("{}", banner);
        LOG.info("PairDB coordinator ready (dev mode): gRPC on port {}, management HTTP on port {}", grpcPort, httpPort);
    }
}
