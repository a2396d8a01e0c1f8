package io.pairdb.app.dev;

import io.pairdb.embedded.EmbeddedPostgres;
import io.pairdb.embedded.EmbeddedRedis;
import io.pairdb.emulator.StorageNodeEmulator;
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
 * artifacts and in-process emulator storage nodes, all on free ports so several dev
 * instances can run side by side.
 */
public final class DevCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevCluster.class);
    private static final String DATABASE = "pairdb";

    private final EmbeddedPostgres postgres;
    private final EmbeddedRedis redis;
    private final List<StorageNodeEmulator> nodes;

    private DevCluster(EmbeddedPostgres postgres, EmbeddedRedis redis, List<StorageNodeEmulator> nodes) {
        this.postgres = postgres;
        this.redis = redis;
        this.nodes = nodes;
    }

    /** Starts the servers; {@code dataDirectory} null means throw-away data. */
    public static DevCluster start(int nodeCount, Path dataDirectory) {
        EmbeddedPostgres postgres = null;
        EmbeddedRedis redis = null;
        List<StorageNodeEmulator> nodes = new ArrayList<>();
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
                nodes.add(StorageNodeEmulator.start("node-" + i, 0));
            }
            LOG.info("dev mode: PostgreSQL on 127.0.0.1:{}, Redis on 127.0.0.1:{}, {} emulator storage nodes",
                    postgres.port(), redis.port(), nodeCount);
            return new DevCluster(postgres, redis, nodes);
        } catch (IOException e) {
            new DevCluster(postgres, redis, nodes).close();
            throw new UncheckedIOException("could not start an emulator storage node", e);
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

    public List<StorageNodeEmulator> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        for (StorageNodeEmulator node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                LOG.warn("could not stop emulator {}: {}", node.nodeId(), e.getMessage());
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
