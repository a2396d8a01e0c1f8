package io.pairdb.storage.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a node reports in the storage contract's {@code Health} answer.
 *
 * @param keyCount keys held, tombstones included (an estimate on a durable node)
 * @param bytesOnDisk what its data takes on disk; 0 for a node that keeps it in memory
 * @param writesRefused why the node refuses writes at the moment (it still serves reads); empty while it takes them
 * @param dataId names the copy of data the node holds: the same across restarts that keep it, another
 *               once the node starts over empty (a new data directory; a node in memory, every start)
 */
public record NodeHealth(String nodeId, long keyCount, Duration tombstoneGcGrace, long bytesOnDisk,
                         Optional<String> writesRefused, String dataId) {

    public NodeHealth {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(tombstoneGcGrace, "tombstoneGcGrace");
        Objects.requireNonNull(writesRefused, "writesRefused");
        Objects.requireNonNull(dataId, "dataId");
    }
}
