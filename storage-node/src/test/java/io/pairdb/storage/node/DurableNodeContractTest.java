package io.pairdb.storage.node;

import io.pairdb.storage.contract.NodeUnderTest;
import io.pairdb.storage.contract.StorageNodeContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The durable node passes the storage contract over TCP, as the coordinator reaches it. */
class DurableNodeContractTest extends StorageNodeContract {

    @Override
    protected NodeUnderTest start(NodeUnderTest.Settings settings) {
        return start(settings, DurableStorageNode.builder().port(0));
    }

    /** A node on a new data directory under /tmp, removed when the node stops. */
    static NodeUnderTest start(NodeUnderTest.Settings settings, DurableStorageNode.Builder transport) {
        try {
            Path directory = Files.createTempDirectory("pairdb-contract-").resolve("node");
            DurableStorageNode node = transport.dataDirectory(directory).nodeId(settings.nodeId())
                    .clock(settings.clock())
                    .tombstoneGcGrace(settings.tombstoneGcGrace())
                    .tombstoneSweepInterval(settings.tombstoneSweepInterval())
                    .minFreeDiskBytes(0)
                    .start();
            return NodeUnderTest.of(node.newChannel(), node::purgeExpiredTombstones, () -> {
                node.close();
                delete(directory.getParent());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
