package io.pairdb.app.dev;

import io.pairdb.embedded.EmbeddedPostgres;
import io.pairdb.embedded.EmbeddedRedis;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.storage.node.DurableStorageNode;
import io.pairdb.storage.server.RunningNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything dev mode runs beside the coordinator: a real PostgreSQL and Redis from Maven
 * artifacts and in-process storage nodes, all on free ports so several dev instances can run
 * side by side. With a data directory everything keeps its data there: PostgreSQL, Redis and
 * durable (RocksDB) storage nodes, so a restarted dev cluster has its nodes and data back;
 * without one the nodes are in-memory emulators (with their fault hooks, for tests).
 */
public final class DevCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevCluster.class);
    private static final String DATABASE = "pairdb";

    private final EmbeddedPostgres postgres;
    private final EmbeddedRedis redis;
    private final List<RunningNode> nodes;

    private DevCluster(EmbeddedPostgres postgres, EmbeddedRedis redis, List<RunningNode> nodes) {
        this.postgres = postgres;
        this.redis = redis;
        this.nodes = nodes;
    }

    /** Starts the servers; {@code dataDirectory} null means throw-away data. */
    public static DevCluster start(int nodeCount, Path dataDirectory) {
        EmbeddedPostgres postgres = null;
        EmbeddedRedis redis = null;
        List<RunningNode> nodes = new ArrayList<>();
        try {
            var pg = EmbeddedPostgres.builder();
            var rd = EmbeddedRedis.builder();
            if (dataDirectory != null) {
                pg.dataDirectory(dataDirectory.resolve("postgres"));
                rd.dataDirectory(dataDirectory.resolve("redis"));
            }
            postgres = pg.start();
            postgres.createDatabase(DATABASE);
            redis = rd.start();
            for (int i = 1; i <= nodeCount; i++) {
                String id = "node-" + i;
                nodes.add(dataDirectory == null ? StorageNodeEmulator.start(id, 0)
                        : DurableStorageNode.builder().dataDirectory(dataDirectory.resolve("storage").resolve(id))
                                .nodeId(id).port(0).start());
            }
            LOG.info("dev mode: PostgreSQL on 127.0.0.1:{}, Redis on 127.0.0.1:{}, {} {} storage nodes",
                    postgres.port(), redis.port(), nodeCount, dataDirectory == null ? "in-memory emulator" : "durable");
            return new DevCluster(postgres, redis, nodes);
        } catch (IOException e) {
            new DevCluster(postgres, redis, nodes).close();
            throw new UncheckedIOException("could not start a storage node", e);
        } catch (RuntimeException e) {
            new DevCluster(postgres, redis, nodes).close();
            throw e;
        }
    }

    /** Configuration that points the coordinator at these servers. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("datasources.default.url", postgres.jdbcUrl(DATABASE));
        p.put("datasources.default.username", postgres.user());
        p.put("datasources.default.password", postgres.password());
        p.put("pairdb.redis.uri", redis.uri());
        p.put("flyway.datasources.default.enabled", true);
        return p;
    }

    /** The embedded Redis, for tests that take it away. */
    public EmbeddedRedis redis() {
        return redis;
    }

    /** The in-memory emulators (none when the cluster keeps its data), with their fault hooks. */
    public List<StorageNodeEmulator> nodes() {
        return nodes.stream().filter(StorageNodeEmulator.class::isInstance).map(StorageNodeEmulator.class::cast).toList();
    }

    /** Every storage node, emulator or durable. */
    public List<RunningNode> storageNodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        for (RunningNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                LOG.warn("could not stop storage node {}: {}", node.nodeId(), e.getMessage());
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
